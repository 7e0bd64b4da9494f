using System;
using System.Data.Common;
using System.Security.Cryptography;

namespace SBKube.Core.State
{
    /// <summary>
    /// The store's own settings (table sbkube_settings). The fingerprint key is made once per store, at
    /// random, when the schema is created or migrated, so fingerprints of secrets differ between stores
    /// and cannot be looked up in a table made elsewhere.
    /// </summary>
    internal static class StoreSettings
    {
        internal const string FingerprintKey = "fingerprint_key";

        internal static void Seed(DbConnection conn, DbTransaction tx)
        {
            byte[] key = new byte[32];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(key);
            }
            StateStore.Execute(conn,
                "INSERT INTO sbkube_settings (name, value) SELECT @n, @v WHERE NOT EXISTS (SELECT 1 FROM sbkube_settings WHERE name = @n)",
                tx, ("@n", FingerprintKey), ("@v", Convert.ToBase64String(key)));
        }

        internal static string? Read(DbConnection conn, string name) =>
            StateStore.Scalar(conn, "SELECT value FROM sbkube_settings WHERE name = @n", null, ("@n", name)) as string;
    }
}
