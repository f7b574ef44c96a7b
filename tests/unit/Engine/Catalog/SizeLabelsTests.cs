using WebChat.Engine.Catalog;

namespace WebChat.Tests.Unit.Engine.Catalog;

public class SizeLabelsTests
{
    [Theory]
    [InlineData(494_032_768L, "0.5B")]
    [InlineData(1_100_048_384L, "1.1B")]
    [InlineData(1_235_814_400L, "1.2B")]
    [InlineData(7_241_732_096L, "7.2B")]
    [InlineData(8_030_261_248L, "8B")]
    [InlineData(13_015_864_320L, "13B")]
    [InlineData(70_553_706_496L, "71B")]
    [InlineData(134_515_008L, "135M")]
    [InlineData(216_000L, "216K")]
    public void Parameter_counts_get_the_labels_the_Hub_uses(long parameters, string label) =>
        Assert.Equal(label, SizeLabels.FromParameters(parameters));

    [Theory]
    [InlineData("0.5B", 500_000_000L)]
    [InlineData("135m", 135_000_000L)]
    [InlineData("8x7B", 56_000_000_000L)]
    [InlineData("1.1b", 1_100_000_000L)]
    public void Labels_parse_back_to_approximate_parameter_counts(string label, long parameters) =>
        Assert.Equal(parameters, SizeLabels.ToParameters(label));

    [Theory]
    [InlineData("")]
    [InlineData("B")]
    [InlineData("x7B")]
    public void Text_that_is_not_a_size_gives_no_parameter_count(string label) =>
        Assert.Null(SizeLabels.ToParameters(label));

    [Theory]
    [InlineData(99_999_999L, SizeClass.Tiny)]
    [InlineData(100_000_000L, SizeClass.Small)]
    [InlineData(494_032_768L, SizeClass.Small)]
    [InlineData(1_000_000_000L, SizeClass.Medium)]
    [InlineData(6_999_999_999L, SizeClass.Medium)]
    [InlineData(7_241_732_096L, SizeClass.Large)]
    [InlineData(13_015_864_320L, SizeClass.Large)]
    [InlineData(14_770_033_664L, SizeClass.XLarge)]
    public void Size_classes_follow_the_parameter_count(long parameters, SizeClass expected) =>
        Assert.Equal(expected, SizeClasses.FromParameters(parameters));
}
