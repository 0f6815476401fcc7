using Crumbs.Web.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Crumbs.Tests.Unit;

/// <summary>/openapi and /scalar: on in Development, off anywhere else unless Crumbs:ApiReference:Enabled is set.</summary>
public sealed class ApiReferenceSwitchTests
{
    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, false)]
    [InlineData("Staging", null, false)]
    [InlineData("Production", true, true)]
    [InlineData("Development", false, false)]
    public void The_switch(string environment, bool? enabled, bool on) =>
        Assert.Equal(on, new ApiReference { Enabled = enabled }.IsOnIn(new HostingEnvironment { EnvironmentName = environment }));
}
