using Xunit;

namespace SBKube.Tests.Shared
{
    /// <summary>A test on a <see cref="StandInCluster"/>: skipped, saying why, when the real tools are not there.</summary>
    public sealed class ClusterFactAttribute : FactAttribute
    {
        public ClusterFactAttribute()
        {
            if (StandInCluster.Missing is string why) Skip = why;
        }
    }

    /// <summary>A theory on a <see cref="StandInCluster"/>: skipped, saying why, when the real tools are not there.</summary>
    public sealed class ClusterTheoryAttribute : TheoryAttribute
    {
        public ClusterTheoryAttribute()
        {
            if (StandInCluster.Missing is string why) Skip = why;
        }
    }
}
