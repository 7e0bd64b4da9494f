using SBKube.Core.Engine;
using SBKube.Core.Tests.Ops;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    public sealed class RevisionRefTests
    {
        [Fact]
        public void A_missing_revision_names_the_revisions_that_are_really_recorded()
        {
            using var db = new OpsDb();
            for (int i = 0; i < 8; i++)
            {
                db.Deploy("state-demo", "redis");
            }
            OpsDb.Exec(db.StatePath, "DELETE FROM deployments WHERE revision IN (1, 2, 5)");

            SbkubeException e = Assert.Throws<SbkubeException>(() => RevisionRef.Parse("1", "revision").Resolve(db.Store, "state-demo", "redis", null));

            Assert.Equal("RevisionNotFound", e.ErrorId);
            Assert.Equal("state-demo/redis has no revision 1; its recorded revisions are 3-4, 6-8.", e.Message);
        }

        [Theory]
        [InlineData(new int[0], "")]
        [InlineData(new[] { 7 }, "7")]
        [InlineData(new[] { 5, 1, 2, 3 }, "1-3, 5")]
        public void Ranges_joins_consecutive_numbers(int[] numbers, string expected)
        {
            Assert.Equal(expected, RevisionRef.Ranges(numbers));
        }
    }
}
