using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>What the cmdlets emit, checked through their [OutputType] declarations.</summary>
    public sealed class OutputTypeTests
    {
        /// <summary>
        /// ConvertTo-Json writes an enum as its number unless asked otherwise, so what the cmdlets emit carries
        /// names (strings such as AppOutcome's and DeploymentStatus's), also in the objects they hold.
        /// </summary>
        [Fact]
        public void No_object_a_cmdlet_emits_has_an_enum_property()
        {
            var seen = new HashSet<Type>();
            var pending = new Queue<Type>(PsHost.Cmdlets.SelectMany(c => c.GetCustomAttributes<OutputTypeAttribute>())
                .SelectMany(a => a.Type).Select(t => t.Type).Where(t => t != null && t.Namespace?.StartsWith("SBKube", StringComparison.Ordinal) == true)!);
            var enums = new List<string>();
            while (pending.Count > 0)
            {
                Type t = pending.Dequeue();
                if (!seen.Add(t))
                {
                    continue;
                }
                foreach (PropertyInfo p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    Type type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                    Type element = type.IsGenericType ? type.GetGenericArguments().Last() : type;
                    if (element.IsEnum)
                    {
                        enums.Add($"{t.Name}.{p.Name}");
                    }
                    else if (element.Namespace?.StartsWith("SBKube", StringComparison.Ordinal) == true)
                    {
                        pending.Enqueue(element);
                    }
                }
            }
            Assert.True(seen.Count >= 8, $"only {seen.Count} output types found");
            Assert.Empty(enums);
        }
    }
}
