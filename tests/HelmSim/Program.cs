using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace HelmSim
{
    public static class Program
    {
        public static int Main(string[] argv)
        {
            DateTime start = DateTime.UtcNow;
            int code;
            var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false, NewLine = "\n" };
            var stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            var app = new HelmApp(stdout, stderr);
            try
            {
                code = app.Run(argv);
            }
            catch (SimException e)
            {
                stdout.Flush();
                if (e.Message.Length > 0 || e.Extra != null)
                {
                    stderr.Write(e.Raw ? e.Message + "\n" : "Error: " + e.Message + "\n");
                    if (e.Extra != null) stderr.Write(e.Extra);
                }
                code = e.ExitCode;
            }
            catch (Exception e)
            {
                stdout.Flush();
                stderr.Write("Error: helmsim internal error: " + e.GetType().Name + ": " + e.Message.Replace('\n', ' ') + "\n");
                code = 1;
            }
            stdout.Flush();
            CallLog.Write("helm", start, DateTime.UtcNow, code, argv);
            return code;
        }
    }
}
