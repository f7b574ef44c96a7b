using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebChat.Data;

/// <summary>Lets dotnet-ef create the context without starting the app (whose entry point is the command line).</summary>
internal sealed class WebChatDbContextDesignFactory : IDesignTimeDbContextFactory<WebChatDbContext>
{
    public WebChatDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
