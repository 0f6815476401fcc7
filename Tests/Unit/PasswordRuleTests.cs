using Crumbs.Web.Accounts;

namespace Crumbs.Tests.Unit;

/// <summary>The password rule on its own: no app, no servers.</summary>
public sealed class PasswordRuleTests
{
    [Theory]
    [InlineData("aaaaaaaaaa")]              // one character ten times
    [InlineData("abababababab")]            // two different characters
    [InlineData("abcdefghijkl")]            // a run
    [InlineData("9876543210")]
    [InlineData("password123")]             // the common list
    [InlineData("PassWord123")]             // the list, whatever the case
    [InlineData("qwertyuiop")]
    [InlineData("1q2w3e4r5t")]
    [InlineData("iloveyou123")]
    public void Common_and_trivial_passwords_are_refused(string password) =>
        Assert.NotNull(AccountRules.CheckPassword(password, "alice_smith"));

    [Theory]
    [InlineData("alice_smith")]
    [InlineData("ALICE_SMITH")]
    [InlineData("Alice_Smith!")]
    [InlineData("alice_smithalice_smith")]
    [InlineData("alice_smith2024")]
    public void The_handle_with_little_else_is_refused(string password) =>
        Assert.Contains("handle", AccountRules.CheckPassword(password, "alice_smith"), StringComparison.Ordinal);

    [Theory]
    [InlineData("correct horse battery")]   // the tests' own users
    [InlineData("demo password")]           // the demo users'
    [InlineData("a browser password")]
    [InlineData("long enough password")]
    [InlineData("a brand new password")]
    [InlineData("alice_smith likes tea")]   // the handle, with a real password around it
    [InlineData("Tr0ub4dor&3x")]
    public void Uncommon_passwords_pass(string password) =>
        Assert.Null(AccountRules.CheckPassword(password, "alice_smith"));

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    public void Length_still_counts(string? password) =>
        Assert.Equal("A password is 10 to 200 characters.", AccountRules.CheckPassword(password, "alice_smith"));

    [Fact]
    public void The_list_holds_the_30000_most_common_passwords()
    {
        Assert.Equal(30_000, CommonPasswords.Count);
        Assert.True(CommonPasswords.Contains("123456"));
        Assert.True(CommonPasswords.Contains("QWERTY"));
    }

    [Fact]
    public void Sign_up_keys_the_problem_by_the_password_field() =>
        Assert.Contains("password", AccountRules.CheckSignUp("alice_smith", "Alice", "password123").Keys);
}
