using System.Collections.Generic;
using System.Linq;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    public sealed class DependencyGraphTests
    {
        private static DependencyGraph Graph(params int[][] deps) => new DependencyGraph(deps.Select(d => (IEnumerable<int>)d));

        [Fact]
        public void Orders_dependencies_first_and_file_order_among_the_ready()
        {
            // 0 depends on 2; 1 and 2 are free; 3 depends on 0 and 1.
            IReadOnlyList<int> order = Graph(new[] { 2 }, new int[0], new int[0], new[] { 0, 1 }).Order(out IReadOnlyList<int> stuck);
            Assert.Equal(new[] { 1, 2, 0, 3 }, order);
            Assert.Empty(stuck);
        }

        [Fact]
        public void A_cycle_leaves_its_nodes_and_their_dependents_out_of_the_order()
        {
            // 0 <-> 1, 2 depends on 1, 3 is free.
            IReadOnlyList<int> order = Graph(new[] { 1 }, new[] { 0 }, new[] { 1 }, new int[0]).Order(out IReadOnlyList<int> stuck);
            Assert.Equal(new[] { 3 }, order);
            Assert.Equal(new[] { 0, 1, 2 }, stuck);
        }

        [Fact]
        public void Reports_one_shortest_cycle_per_group_starting_at_its_lowest_node()
        {
            // 0 -> 1 -> 2 -> 0 and 0 -> 2 (shortcut), 3 -> 3 (itself), 4 free.
            IReadOnlyList<IReadOnlyList<int>> cycles = Graph(new[] { 1, 2 }, new[] { 2 }, new[] { 0 }, new[] { 3 }, new int[0]).Cycles();
            Assert.Equal(2, cycles.Count);
            Assert.Equal(new[] { 0, 2 }, cycles[0]);
            Assert.Equal(new[] { 3 }, cycles[1]);
        }

        [Fact]
        public void A_long_chain_is_ordered_without_deep_recursion()
        {
            const int n = 20000;
            DependencyGraph chain = new DependencyGraph(Enumerable.Range(0, n).Select(i => i == 0 ? Enumerable.Empty<int>() : new[] { i - 1 }));
            Assert.Equal(Enumerable.Range(0, n), chain.Order(out _));
            Assert.Empty(chain.Cycles());
        }
    }
}
