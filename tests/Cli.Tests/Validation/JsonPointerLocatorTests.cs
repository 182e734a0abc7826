using System.Text.Json;
using Serverless.Cli.Validation;

namespace Serverless.Cli.Tests.Validation;

public sealed class JsonPointerLocatorTests
{
    private const string Document = "{\n  \"name\": \"x\",\n  \"nodes\": {\n    \"a/b\": { \"type\": \"set\" },\n    \"é\": [1, { \"k\": 2 }]\n  }\n}";

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("/name", 2, 3)]
    [InlineData("/nodes/a~1b/type", 4, 14)]
    [InlineData("/nodes/é/1/k", 5, 16)]
    [InlineData("/nodes/é/0", 5, 11)]
    public void Locate_ExistingPointer_GivesLineAndColumn(string pointer, int line, int column)
        => Assert.Equal((line, column), JsonPointerLocator.Create(Document).Locate(pointer));

    [Fact]
    public void Locate_MissingPointer_GivesNearestExistingParent()
        => Assert.Equal((4, 5), JsonPointerLocator.Create(Document).Locate("/nodes/a~1b/missing/deeper"));

    [Fact]
    public void Create_NotJson_Throws()
        => Assert.ThrowsAny<JsonException>(() => JsonPointerLocator.Create("{ \"a\": }"));
}
