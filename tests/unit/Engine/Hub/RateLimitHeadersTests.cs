using WebChat.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Hub;

public class RateLimitHeadersTests
{
    [Theory]
    [InlineData("\"api\";r=0;t=55", 55)]
    [InlineData("limit=100, remaining=0, reset=12", 12)]
    [InlineData("\"resolvers\";r=3;t=0", 0)]
    public void The_wait_is_read_from_the_RateLimit_header(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RateLimitHeaders.ParseRateLimit(header));

    [Fact]
    public void A_header_without_a_reset_gives_no_wait() => Assert.Null(RateLimitHeaders.ParseRateLimit("\"api\";r=10"));
}
