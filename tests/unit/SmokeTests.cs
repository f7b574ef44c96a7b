namespace WebChat.Tests.Unit;

public class EngineAssemblyTests
{
    [Fact]
    public void The_engine_assembly_names_the_product() =>
        Assert.Equal("WebChat", WebChat.Engine.EngineInfo.ProductName);
}
