using System;
using System.Collections.Generic;
using System.Linq;

namespace SBKube.Core.Config
{
    /// <summary>
    /// Apps and what each depends on, by position: the one place that orders them (dependencies first,
    /// file order among the ready ones) and finds cycles. Used by the config loader, apply and delete.
    /// </summary>
    public sealed class DependencyGraph
    {
        private readonly List<List<int>> _edges;

        /// <param name="dependencies">For each node, the nodes it depends on (positions; duplicates are ignored).</param>
        public DependencyGraph(IEnumerable<IEnumerable<int>> dependencies)
        {
            _edges = dependencies.Select(d => d.Distinct().ToList()).ToList();
        }

        public int Count => _edges.Count;

        /// <summary>
        /// Every node after the nodes it depends on; among nodes whose dependencies are done, the lowest
        /// position first. Nodes caught in or behind a cycle are left out and returned in <paramref name="stuck"/>.
        /// </summary>
        public IReadOnlyList<int> Order(out IReadOnlyList<int> stuck)
        {
            var remaining = new int[Count];
            var dependents = Enumerable.Range(0, Count).Select(_ => new List<int>()).ToArray();
            for (int i = 0; i < Count; i++)
            {
                foreach (int d in _edges[i])
                {
                    remaining[i]++;
                    dependents[d].Add(i);
                }
            }
            var ready = new SortedSet<int>(Enumerable.Range(0, Count).Where(i => remaining[i] == 0));
            var order = new List<int>(Count);
            while (ready.Count > 0)
            {
                int i = ready.Min;
                ready.Remove(i);
                order.Add(i);
                foreach (int k in dependents[i])
                {
                    if (--remaining[k] == 0)
                    {
                        ready.Add(k);
                    }
                }
            }
            stuck = Enumerable.Range(0, Count).Where(i => remaining[i] > 0).ToList();
            return order;
        }

        /// <summary>One shortest cycle per group of nodes that depend on each other, starting at its lowest node, by that node.</summary>
        public IReadOnlyList<IReadOnlyList<int>> Cycles()
        {
            var cycles = new List<IReadOnlyList<int>>();
            foreach (List<int> component in StronglyConnected())
            {
                int start = component.Min();
                if (component.Count == 1 && !_edges[start].Contains(start))
                {
                    continue;
                }
                cycles.Add(ShortestCycle(start, new HashSet<int>(component)));
            }
            return cycles;
        }

        /// <summary>Breadth-first from <paramref name="start"/> back to it inside the component: start, ..., the node before start.</summary>
        private List<int> ShortestCycle(int start, HashSet<int> members)
        {
            var prev = new Dictionary<int, int>();
            var queue = new Queue<int>();
            prev[start] = -1;
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                int u = queue.Dequeue();
                foreach (int n in _edges[u].Where(members.Contains))
                {
                    if (n == start)
                    {
                        var path = new List<int>();
                        for (int c = u; c != -1; c = prev[c])
                        {
                            path.Add(c);
                        }
                        path.Reverse();
                        return path;
                    }
                    if (!prev.ContainsKey(n))
                    {
                        prev[n] = u;
                        queue.Enqueue(n);
                    }
                }
            }
            return new List<int> { start };
        }

        /// <summary>Tarjan's strongly connected components, iteratively (deep chains must not overflow the stack), by lowest node.</summary>
        private List<List<int>> StronglyConnected()
        {
            int n = Count, counter = 0;
            int[] index = Enumerable.Repeat(-1, n).ToArray();
            var low = new int[n];
            var onStack = new bool[n];
            var stack = new Stack<int>();
            var result = new List<List<int>>();
            for (int s = 0; s < n; s++)
            {
                if (index[s] >= 0)
                {
                    continue;
                }
                var work = new Stack<(int V, int E)>();
                work.Push((s, 0));
                index[s] = low[s] = counter++;
                stack.Push(s);
                onStack[s] = true;
                while (work.Count > 0)
                {
                    (int v, int e) = work.Pop();
                    if (e < _edges[v].Count)
                    {
                        work.Push((v, e + 1));
                        int w = _edges[v][e];
                        if (index[w] < 0)
                        {
                            index[w] = low[w] = counter++;
                            stack.Push(w);
                            onStack[w] = true;
                            work.Push((w, 0));
                        }
                        else if (onStack[w])
                        {
                            low[v] = Math.Min(low[v], index[w]);
                        }
                        continue;
                    }
                    if (low[v] == index[v])
                    {
                        var component = new List<int>();
                        int w;
                        do
                        {
                            w = stack.Pop();
                            onStack[w] = false;
                            component.Add(w);
                        }
                        while (w != v);
                        result.Add(component);
                    }
                    if (work.Count > 0)
                    {
                        int parent = work.Peek().V;
                        low[parent] = Math.Min(low[parent], low[v]);
                    }
                }
            }
            return result.OrderBy(c => c.Min()).ToList();
        }
    }
}
