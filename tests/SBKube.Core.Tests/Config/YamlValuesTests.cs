using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    public class YamlValuesTests
    {
        internal const string BillionLaughs = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]

            """;

        private static JsonObject P(string yaml) => YamlValues.Parse(yaml, "test.yaml")!.AsObject();

        [Fact]
        public void Scalars_Are_Typed_Like_Yaml12_Core_Schema()
        {
            var o = P("""
                t: true
                f: False
                nil: null
                tilde: ~
                empty:
                i: 42
                neg: -7
                hex: 0x1F
                oct: 0o17
                fl: 1.5
                exp: 1e3
                ver: 17.13.2
                qtrue: "true"
                qnum: '42'
                yes: yes
                inf: .inf
                text: hello world
                big: 123456789012345678901234567890
                """);
            Assert.Equal(JsonValueKind.True, o["t"]!.GetValueKind());
            Assert.Equal(JsonValueKind.False, o["f"]!.GetValueKind());
            Assert.Null(o["nil"]);
            Assert.True(o.ContainsKey("nil"));
            Assert.Null(o["tilde"]);
            Assert.Null(o["empty"]);
            Assert.Equal(42L, o["i"]!.GetValue<long>());
            Assert.Equal(-7L, o["neg"]!.GetValue<long>());
            Assert.Equal(31L, o["hex"]!.GetValue<long>());
            Assert.Equal(15L, o["oct"]!.GetValue<long>());
            Assert.Equal(1.5, o["fl"]!.GetValue<double>());
            Assert.Equal(1000.0, o["exp"]!.GetValue<double>());
            Assert.Equal("17.13.2", o["ver"]!.GetValue<string>());
            Assert.Equal("true", o["qtrue"]!.GetValue<string>());
            Assert.Equal("42", o["qnum"]!.GetValue<string>());
            Assert.Equal("yes", o["yes"]!.GetValue<string>());
            Assert.Equal(".inf", o["inf"]!.GetValue<string>());
            Assert.Equal("hello world", o["text"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.Number, o["big"]!.GetValueKind());
            Assert.Equal(new[] { "t", "f", "nil", "tilde", "empty", "i", "neg", "hex", "oct", "fl", "exp", "ver", "qtrue", "qnum", "yes", "inf", "text", "big" }, o.Select(kv => kv.Key));
        }

        [Fact]
        public void Explicit_Tags_Are_Honoured()
        {
            var o = P("a: !!str 123\nb: !!int \"7\"\nc: !!bool \"true\"\nd: ! 12\n");
            Assert.Equal("123", o["a"]!.GetValue<string>());
            Assert.Equal(7L, o["b"]!.GetValue<long>());
            Assert.True(o["c"]!.GetValue<bool>());
            Assert.Equal("12", o["d"]!.GetValue<string>());
        }

        [Fact]
        public void Anchors_Aliases_And_Merge_Keys()
        {
            var o = P("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist: [*b]\n");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"base":{"x":1,"y":2},"use":{"x":1,"y":3},"list":[{"x":1,"y":2}]}"""), o), o.ToJsonString());
        }

        [Fact]
        public void Empty_Text_Is_Null_And_Empty_File_Is_Empty_Map()
        {
            Assert.Null(YamlValues.Parse("", "x.yaml"));
            Assert.Null(YamlValues.Parse("# only a comment\n", "x.yaml"));
            var f = Path.GetTempFileName();
            try
            {
                File.WriteAllText(f, "");
                Assert.Empty(YamlValues.LoadFile(f));
                File.WriteAllText(f, "a:\n  b: 1\n");
                Assert.Equal(1L, YamlValues.LoadFile(f)["a"]!["b"]!.GetValue<long>());
                File.WriteAllText(f, "- 1\n");
                var ex = Assert.Throws<ConfigException>(() => YamlValues.LoadFile(f));
                Assert.Equal(ConfigIssueCodes.WrongType, ex.Code);
            }
            finally
            {
                File.Delete(f);
            }
            var missing = Assert.Throws<ConfigException>(() => YamlValues.LoadFile("/definitely/not/here.yaml"));
            Assert.Equal(ConfigIssueCodes.MissingFile, missing.Code);
        }

        [Fact]
        public void Malformed_Yaml_Has_Parser_Line_And_Column()
        {
            var ex = Assert.Throws<ConfigException>(() => YamlValues.Parse("a: 1\nb: \"unterminated\n", "bad.yaml"));
            var issue = Assert.Single(ex.Issues);
            Assert.Equal(ConfigIssueCodes.MalformedYaml, issue.Code);
            Assert.Equal("bad.yaml", issue.File);
            Assert.True(issue.Line >= 2, issue.ToString());
            Assert.StartsWith("bad.yaml:", ex.Message);

            ex = Assert.Throws<ConfigException>(() => YamlValues.Parse("a: 1\n  b: 2\n", "bad.yaml"));
            issue = Assert.Single(ex.Issues);
            Assert.Equal(ConfigIssueCodes.MalformedYaml, issue.Code);
            Assert.Equal(2, issue.Line);
        }

        [Fact]
        public void Unknown_Alias_Is_Malformed()
        {
            var ex = Assert.Throws<ConfigException>(() => YamlValues.Parse("a: *nope\n", "x.yaml"));
            Assert.Equal(ConfigIssueCodes.MalformedYaml, ex.Code);
            Assert.Equal((1, 4), (ex.Issues[0].Line, ex.Issues[0].Column));
        }

        [Fact]
        public void Duplicate_Keys_Are_Errors()
        {
            var ex = Assert.Throws<ConfigException>(() => YamlValues.Parse("a: 1\nb: 2\na: 3\n", "dup.yaml"));
            var issue = Assert.Single(ex.Issues);
            Assert.Equal(ConfigIssueCodes.DuplicateKey, issue.Code);
            Assert.Equal((3, 1), (issue.Line, issue.Column));
            Assert.Contains("Duplicate key 'a'", issue.Message);
        }

        [Fact]
        public void Multiple_Documents_Are_Refused()
        {
            var ex = Assert.Throws<ConfigException>(() => YamlValues.Parse("a: 1\n---\nb: 2\n", "multi.yaml"));
            Assert.Equal(ConfigIssueCodes.MalformedYaml, ex.Code);
        }

        [Fact]
        public void Billion_Laughs_Fails_Fast_With_TooManyNodes()
        {
            // Expanded, the document would not fit in memory: the node limit is what stops it.
            var ex = Assert.Throws<ConfigException>(() => YamlValues.Parse(BillionLaughs, "bomb.yaml"));
            Assert.Equal(ConfigIssueCodes.TooManyNodes, ex.Code);
            Assert.Contains("1000000", ex.Message);
        }

        [Fact]
        public void Moderate_Aliasing_Is_Fine()
        {
            var o = P("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n");
            Assert.Equal(3, o["b"]!.AsArray().Count);
        }

        [Fact]
        public void Deep_Nesting_Fails_With_TooDeep()
        {
            var flow = new string('[', 10000) + new string(']', 10000);
            var ex = Assert.Throws<ConfigException>(() => YamlValues.Parse(flow, "deep.yaml"));
            Assert.Equal(ConfigIssueCodes.TooDeep, ex.Code);
            Assert.Equal(1, ex.Issues[0].Line);

            var sb = new StringBuilder();
            for (int i = 0; i < 100; i++) sb.Append(' ', i * 2).Append("k").Append(i).Append(":\n");
            ex = Assert.Throws<ConfigException>(() => YamlValues.Parse(sb.ToString(), "deep.yaml"));
            Assert.Equal(ConfigIssueCodes.TooDeep, ex.Code);

            // 60 levels is fine
            Assert.NotNull(YamlValues.Parse(new string('[', 60) + new string(']', 60), "ok.yaml"));
        }

        [Fact]
        public void Alias_Can_Not_Bypass_Depth_Limit()
        {
            var sb = new StringBuilder("a: &a ");
            sb.Append(new string('[', 40)).Append(new string(']', 40)).Append('\n');
            sb.Append("b: ").Append(new string('[', 40)).Append("*a").Append(new string(']', 40)).Append('\n');
            var ex = Assert.Throws<ConfigException>(() => YamlValues.Parse(sb.ToString(), "x.yaml"));
            Assert.Equal(ConfigIssueCodes.TooDeep, ex.Code);
        }

        // ------------------------------------------------------------------ ToYaml

        [Fact]
        public void ToYaml_Block_Style_Like_Helm()
        {
            var node = JsonNode.Parse("""
                {"architecture":"standalone","auth":{"password":"state-demo-v1"},"master":{"persistence":{"size":"1Gi"}},
                 "list":["a",{"b":1,"c":2},["p","q"]],"empty":{},"none":[],"nil":null,"ver":"17.13.2","t":"true","num":3,"f":1.5}
                """);
            var expected = """
                architecture: standalone
                auth:
                  password: state-demo-v1
                master:
                  persistence:
                    size: 1Gi
                list:
                - a
                - b: 1
                  c: 2
                - - p
                  - q
                empty: {}
                none: []
                nil: null
                ver: 17.13.2
                t: 'true'
                num: 3
                f: 1.5

                """.Replace("\r\n", "\n");
            Assert.Equal(expected, YamlValues.ToYaml(node));
        }

        /// <summary>
        /// Strings a YAML 1.1 reader (Helm's, and many charts' templates) would take for booleans, numbers or
        /// a merge key are written quoted; strings that are text in both versions stay plain.
        /// </summary>
        [Theory]
        [InlineData("yes", "'yes'")]
        [InlineData("On", "'On'")]
        [InlineData("n", "'n'")]
        [InlineData("OFF", "'OFF'")]
        [InlineData("<<", "'<<'")]
        [InlineData("017", "'017'")]
        [InlineData("0x1F", "'0x1F'")]
        [InlineData("1_000", "'1_000'")]
        [InlineData("12:30", "'12:30'")]
        [InlineData("0b101", "'0b101'")]
        [InlineData("yesterday", "yesterday")]
        [InlineData("1.2.3", "1.2.3")]
        [InlineData("one", "one")]
        public void ToYaml_Quotes_Strings_That_YAML_1_1_Reads_As_Other_Types(string value, string written)
        {
            Assert.Equal("v: " + written + "\n", YamlValues.ToYaml(new JsonObject { ["v"] = value }));
        }

        [Fact]
        public void ToYaml_Never_Folds_Long_Lines()
        {
            string words = string.Join(" ", Enumerable.Repeat("word", 100));
            Assert.Equal("a:\n  b: " + words + "\n", YamlValues.ToYaml(new JsonObject { ["a"] = new JsonObject { ["b"] = words } }));
        }

        [Fact]
        public void ToYaml_Scalars_At_Top()
        {
            Assert.Equal("null\n", YamlValues.ToYaml(null));
            Assert.Equal("{}\n", YamlValues.ToYaml(new JsonObject()));
            Assert.Equal("'123'\n", YamlValues.ToYaml(JsonValue.Create("123")));
        }

        public static TheoryData<string> TrickyStrings() => new TheoryData<string>
        {
            "", " ", "true", "True", "false", "null", "Null", "~", "yes", "no", "on", "off", "y", "n",
            "123", "-5", "1.5", "1e3", "0x1F", "0o17", "017", "1_000", "12:30", ".inf", "-.inf", ".nan", "17.13.2", "18.0",
            " lead", "trail ", "a: b", "a:b", "key:", "#comment", "a #b", "a#b", "- x", "-x", "?", "? x", ":", "@at", "`tick", "!tag",
            "&anchor", "*alias", "|", ">", "%", "[list]", "{map}", "a,b", "'single'", "\"double\"", "it's", "back\\slash",
            "multi\nline", "multi\nline\n", "trailing\n\n\n", "\nleading newline", "\n", "\n\n", "line \nspace", "  indented\nsecond",
            "tab\there", "\ttab first", "cr\r\nlf", "ctrl\u0001char", "del\u007f", "nel\u0085", "bom\uFEFF", "한글 텍스트", "emoji 😀",
            "...", "---", "--- x", "... x", "<<", "=", "a\u2028b", "0", "-", "1.", ".5", "+1", "0b101", "1e", "e3",
            "line1\n  indented line\nline3", "ends with colon:\nnext",
        };

        [Theory]
        [MemberData(nameof(TrickyStrings))]
        public void ToYaml_RoundTrips_Tricky_Strings_As_Values_And_Keys(string s)
        {
            var node = new JsonObject
            {
                ["v"] = s,
                ["nested"] = new JsonObject { ["list"] = new JsonArray(s, new JsonObject { ["k"] = s }) },
                [s] = "key test",
            };
            var yaml = YamlValues.ToYaml(node);
            var back = YamlValues.Parse(yaml, "roundtrip.yaml");
            Assert.True(JsonNode.DeepEquals(node, back), $"YAML was:\n{yaml}\nback: {back?.ToJsonString()}");
        }

        [Fact]
        public void ToYaml_RoundTrips_Nested_Structures_And_Numbers()
        {
            var node = JsonNode.Parse("""
                {"a":{"b":{"c":[1,2,{"d":[[],{}]}]}},"ints":[0,-1,9223372036854775807],"floats":[1.5,-0.25,1e20,1.0],
                 "bools":[true,false],"nulls":[null,{"x":null}],"emptyMap":{},"emptyList":[],"deep":[[[["x"]]]],
                 "mixed":[{"a":1},[{"b":[1,{"c":"d"}]}]]}
                """)!;
            node["doubleOne"] = JsonValue.Create(1.0);
            node["multi"] = JsonValue.Create("line1\nline2\n");
            var yaml = YamlValues.ToYaml(node);
            var back = YamlValues.Parse(yaml, "roundtrip.yaml");
            Assert.True(JsonNode.DeepEquals(node, back), $"YAML was:\n{yaml}\nback: {back?.ToJsonString()}");
            Assert.Equal(JsonValueKind.Number, back!["doubleOne"]!.GetValueKind());
        }

        [Fact]
        public void ToYaml_Multiline_Uses_Literal_Block()
        {
            var yaml = YamlValues.ToYaml(new JsonObject { ["script"] = "echo a\necho b\n", ["list"] = new JsonArray("x\ny") });
            Assert.Equal("script: |\n  echo a\n  echo b\nlist:\n- |-\n  x\n  y\n", yaml);
        }

        [Fact]
        public void Parse_Of_ToYaml_Of_Seed_Values_Equals_Original()
        {
            var yaml = "architecture: standalone\nauth:\n  password: state-demo-v1\nmaster:\n  persistence:\n    size: 1Gi\n";
            var node = YamlValues.Parse(yaml, "redis.yaml");
            Assert.Equal(yaml, YamlValues.ToYaml(node));
        }
    }
}
