using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using SBKube.PowerShell.Loading;

// usage: HostProbe <module folder> <work folder>
// Prints one "loaded" line per assembly of interest and "probe: ok" when the round trip passed.
string module = Path.GetFullPath(args[0]);
string work = Path.GetFullPath(args[1]);
PrivateLoadContext.Install(Path.Combine(module, "deps"));
try
{
    RoundTrip.Run(work);
}
catch (Exception e)
{
    Console.WriteLine($"probe: failed: {e}");
    return 1;
}
foreach (Assembly a in AppDomain.CurrentDomain.GetAssemblies()
    .Where(a => a.GetName().Name is "SBKube.Core" or "YamlDotNet" or "CliWrap" or "Microsoft.Data.Sqlite"
        or "System.Text.Json" or "System.Text.Encodings.Web" or "Microsoft.Bcl.AsyncInterfaces")
    .OrderBy(a => a.GetName().Name))
{
    string context = AssemblyLoadContext.GetLoadContext(a) == AssemblyLoadContext.Default ? "default" : "private";
    Console.WriteLine($"loaded: {a.GetName().Name} {a.GetName().Version} {context}");
}
Console.WriteLine($"runtime: {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
Console.WriteLine("probe: ok");
return 0;

internal static class RoundTrip
{
    // Not inlined: SBKube.Core must be resolved after the load context is installed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Run(string work) => Checks.Run(work);
}
