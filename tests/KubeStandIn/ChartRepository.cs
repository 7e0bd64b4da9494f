using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KubeStandIn
{
    /// <summary>
    /// A static Helm chart repository beside the API (index.yaml and packaged charts): /charts/&lt;repo&gt;/...
    /// open, /auth/charts/&lt;repo&gt;/... behind Basic auth with the --chart-auth user:password.
    /// </summary>
    internal sealed class ChartRepository
    {
        private readonly string _root;
        private readonly string? _credentials;

        public ChartRepository(string root, string? credentials)
        {
            _root = Path.GetFullPath(root);
            _credentials = credentials;
        }

        public static bool Serves(string path) => path.StartsWith("/charts/", StringComparison.Ordinal) || path.StartsWith("/auth/charts/", StringComparison.Ordinal);

        public async Task Handle(HttpContext ctx)
        {
            string path = ctx.Request.Path.Value!;
            if (path.StartsWith("/auth/", StringComparison.Ordinal))
            {
                string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(_credentials ?? ""));
                if (_credentials == null || ctx.Request.Headers.Authorization.ToString() != expected)
                {
                    ctx.Response.StatusCode = 401;
                    ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"charts\"";
                    await ctx.Response.WriteAsync("401 Unauthorized\n");
                    return;
                }
                path = path.Substring("/auth".Length);
            }
            string file = Path.GetFullPath(Path.Combine(_root, Uri.UnescapeDataString(path.Substring("/charts/".Length))));
            if (!file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
            {
                ctx.Response.StatusCode = 404;
                await ctx.Response.WriteAsync("404 page not found\n");
                return;
            }
            ctx.Response.ContentType = file.EndsWith(".yaml", StringComparison.Ordinal) ? "application/x-yaml" : "application/gzip";
            await ctx.Response.SendFileAsync(file);
        }
    }
}
