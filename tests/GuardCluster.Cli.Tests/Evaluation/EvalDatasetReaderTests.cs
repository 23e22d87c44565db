using System.Text.Json.Nodes;
using GuardCluster.Cli.Evaluation;

namespace GuardCluster.Cli.Tests.Evaluation;

public sealed class EvalDatasetReaderTests
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    [Fact]
    public void Reads_labels_and_strips_label_fields_from_the_input()
    {
        var text = $$"""
            {{{Messages}}, "expected": "unsafe", "expected_categories": ["S1", "S10", "S1"], "id": 7}

            {{{Messages}}, "excluded_category_keys": ["S3"], "expected": "SAFE"}
            """;

        var examples = EvalDatasetReader.Read(new StringReader(text));

        Assert.Equal(2, examples.Count);
        Assert.Equal(1, examples[0].LineNumber);
        Assert.Equal(3, examples[1].LineNumber); // blank line skipped but counted
        Assert.True(examples[0].Expected.IsUnsafe);
        Assert.Equal(["S1", "S10"], examples[0].Expected.Categories);
        Assert.False(examples[1].Expected.IsUnsafe);

        var input = JsonNode.Parse(examples[0].InputJson)!.AsObject();
        Assert.Equal(["messages"], input.Select(p => p.Key));
        Assert.Equal(["messages", "excluded_category_keys"], JsonNode.Parse(examples[1].InputJson)!.AsObject().Select(p => p.Key));
    }

    [Theory]
    [InlineData("\"label\": \"unsafe\"", true, "")]
    [InlineData("\"label\": 1", true, "")]
    [InlineData("\"label\": 0", false, "")]
    [InlineData("\"expected\": \"unsafe\\nS2, S11\"", true, "S2,S11")]
    [InlineData("\"expected\": \" safe \"", false, "")]
    [InlineData("\"expected\": \"unsafe\", \"label\": 1", true, "")]
    [InlineData("\"expected\": \"unsafe\", \"label\": \"unsafe\\nS4\"", true, "S4")]
    [InlineData("\"expected\": \"unsafe\\nS4\", \"expected_categories\": [\"S4\"]", true, "S4")]
    public void Accepts_label_forms(string fields, bool isUnsafe, string codes)
    {
        var example = EvalDatasetReader.ParseLine(1, $"{{{Messages}, {fields}}}");

        Assert.Equal(isUnsafe, example.Expected.IsUnsafe);
        Assert.Equal(codes, string.Join(',', example.Expected.Categories));
    }

    [Theory]
    [InlineData("{not json", "invalid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{" + Messages + "}", "missing \"expected\"")]
    [InlineData("{" + Messages + ", \"expected\": \"maybe\"}", "\"expected\" must be \"safe\" or \"unsafe\"")]
    [InlineData("{" + Messages + ", \"expected\": 1}", "\"expected\" must be \"safe\" or \"unsafe\"")]
    [InlineData("{" + Messages + ", \"label\": 2}", "\"label\" must be \"safe\", \"unsafe\", 0 or 1")]
    [InlineData("{" + Messages + ", \"label\": true}", "\"label\" must be")]
    [InlineData("{" + Messages + ", \"expected\": \"safe\", \"label\": \"unsafe\"}", "disagree")]
    [InlineData("{" + Messages + ", \"expected\": \"safe\", \"expected_categories\": [\"S1\"]}", "only allowed when the line is expected unsafe")]
    [InlineData("{" + Messages + ", \"expected\": \"unsafe\", \"expected_categories\": \"S1\"}", "must be an array")]
    [InlineData("{" + Messages + ", \"expected\": \"unsafe\", \"expected_categories\": [\"\"]}", "non-empty strings")]
    [InlineData("{" + Messages + ", \"expected\": \"unsafe\\nS1\", \"expected_categories\": [\"S2\"]}", "disagrees")]
    [InlineData("{\"a\": 1, \"a\": 2, \"expected\": \"safe\"}", "invalid JSON")]
    public void Bad_lines_name_their_line_number(string line, string message)
    {
        var text = $"{{{Messages}, \"expected\": \"safe\"}}\n\n{line}\n";

        var ex = Assert.Throws<DatasetFormatException>(() => EvalDatasetReader.Read(new StringReader(text)));

        Assert.Equal(3, ex.LineNumber);
        Assert.StartsWith("dataset line 3: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
