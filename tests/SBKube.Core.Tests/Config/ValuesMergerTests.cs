using System;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    public class ValuesMergerTests
    {
        private static JsonObject O(string json) => JsonNode.Parse(json)!.AsObject();

        private static void Same(string expectedJson, JsonNode actual)
            => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual), actual.ToJsonString());

        [Fact]
        public void Deep_Merge_Maps_Left_To_Right_Lists_And_Scalars_Replaced()
        {
            var a = O("""{"image":{"repo":"r","tag":"1"},"list":[1,2,3],"keep":true,"s":"a"}""");
            var b = O("""{"image":{"tag":"2","pull":"Always"},"list":[9],"s":{"now":"map"}}""");
            var c = O("""{"image":{"tag":"3"},"new":null}""");
            var merged = ValuesMerger.Merge(new[] { a, b, c }, null);
            Same("""{"image":{"repo":"r","tag":"3","pull":"Always"},"list":[9],"keep":true,"s":{"now":"map"},"new":null}""", merged);
            // inputs untouched
            Same("""{"image":{"repo":"r","tag":"1"},"list":[1,2,3],"keep":true,"s":"a"}""", a);
            Same("""{"image":{"tag":"2","pull":"Always"},"list":[9],"s":{"now":"map"}}""", b);
            // result is independent of the inputs
            merged["image"]!["repo"] = "changed";
            Assert.Equal("r", a["image"]!["repo"]!.GetValue<string>());
        }

        [Fact]
        public void Set_Dotted_Paths_Create_Maps_And_Override_Layers()
        {
            var layer = O("""{"master":{"persistence":{"size":"1Gi","enabled":true}}}""");
            var set = O("""{"master.persistence.size":"2Gi","a.b.c":3,"flag":false}""");
            var merged = ValuesMerger.Merge(new[] { layer }, set);
            Same("""{"master":{"persistence":{"size":"2Gi","enabled":true}},"a":{"b":{"c":3}},"flag":false}""", merged);
            Assert.False(set.ContainsKey("master"));
        }

        [Fact]
        public void Set_Escaped_Dot()
        {
            var merged = ValuesMerger.Merge(Array.Empty<JsonObject>(), O("""{"podAnnotations.prometheus\\.io/scrape":"true"}"""));
            Same("""{"podAnnotations":{"prometheus.io/scrape":"true"}}""", merged);
        }

        [Fact]
        public void Set_List_Index_Extends_And_Nests()
        {
            var layer = O("""{"servers":[{"name":"a","port":80}]}""");
            var set = O("""{"servers[0].port":8080,"servers[2].name":"c","matrix[1][0]":"x"}""");
            var merged = ValuesMerger.Merge(new[] { layer }, set);
            Same("""{"servers":[{"name":"a","port":8080},null,{"name":"c"}],"matrix":[null,["x"]]}""", merged);
        }

        [Fact]
        public void Set_Replaces_Scalar_With_Map_And_Sets_Structured_Values()
        {
            var merged = ValuesMerger.Merge(new[] { O("""{"a":"scalar"}""") }, O("""{"a.b":1,"c":{"d":[1,2]}}"""));
            Same("""{"a":{"b":1},"c":{"d":[1,2]}}""", merged);
        }

        [Theory]
        [InlineData("a..b")]
        [InlineData(".a")]
        [InlineData("a.")]
        [InlineData("[0]")]
        [InlineData("a[x]")]
        [InlineData("a[0")]
        [InlineData("a[0]b")]
        [InlineData("a\\")]
        [InlineData("")]
        public void Invalid_Set_Paths_Throw(string path)
        {
            var set = new JsonObject { [path] = 1 };
            Assert.Throws<ArgumentException>(() => ValuesMerger.Merge(Array.Empty<JsonObject>(), set));
        }
    }
}
