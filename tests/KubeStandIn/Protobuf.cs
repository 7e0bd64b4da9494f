using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeStandIn
{
    /// <summary>
    /// Reads the protobuf bodies client-go sends for built-in types (Helm stores its releases as Secrets this
    /// way): the "k8s\0" envelope (runtime.Unknown) around the object, decoded for the kinds clients write
    /// as protobuf. Answers always go back as JSON, which client-go accepts whatever it sent.
    /// </summary>
    internal static class Protobuf
    {
        private static readonly byte[] Magic = { (byte)'k', (byte)'8', (byte)'s', 0 };

        public static JsonObject Decode(byte[] body)
        {
            if (body.Length < 4 || body[0] != Magic[0] || body[1] != Magic[1] || body[2] != Magic[2] || body[3] != Magic[3])
                throw new InvalidDataException("protobuf body without the k8s envelope");
            string apiVersion = "", kind = "";
            byte[] raw = Array.Empty<byte>();
            foreach (Field f in Fields(body, 4, body.Length))
            {
                if (f.Number == 1)
                {
                    foreach (Field t in Fields(f.Bytes))
                    {
                        if (t.Number == 1) apiVersion = t.Text;
                        if (t.Number == 2) kind = t.Text;
                    }
                }
                else if (f.Number == 2) raw = f.Bytes;
            }
            JsonObject obj = kind switch
            {
                "Secret" => Secret(raw),
                "ConfigMap" => ConfigMap(raw),
                _ => MetadataOnly(raw),
            };
            obj["apiVersion"] = apiVersion;
            obj["kind"] = kind;
            return obj;
        }

        private static JsonObject Secret(byte[] raw)
        {
            var obj = new JsonObject();
            var data = new JsonObject();
            var stringData = new JsonObject();
            foreach (Field f in Fields(raw))
            {
                switch (f.Number)
                {
                    case 1: obj["metadata"] = ObjectMeta(f.Bytes); break;
                    case 2: (string k, byte[] v) = MapEntry(f.Bytes); data[k] = Convert.ToBase64String(v); break;
                    case 3: obj["type"] = f.Text; break;
                    case 4: (string sk, byte[] sv) = MapEntry(f.Bytes); stringData[sk] = Encoding.UTF8.GetString(sv); break;
                    case 5: obj["immutable"] = f.Varint != 0; break;
                }
            }
            if (data.Count > 0) obj["data"] = data;
            if (stringData.Count > 0) obj["stringData"] = stringData;
            return obj;
        }

        private static JsonObject ConfigMap(byte[] raw)
        {
            var obj = new JsonObject();
            var data = new JsonObject();
            var binary = new JsonObject();
            foreach (Field f in Fields(raw))
            {
                switch (f.Number)
                {
                    case 1: obj["metadata"] = ObjectMeta(f.Bytes); break;
                    case 2: (string k, byte[] v) = MapEntry(f.Bytes); data[k] = Encoding.UTF8.GetString(v); break;
                    case 3: (string bk, byte[] bv) = MapEntry(f.Bytes); binary[bk] = Convert.ToBase64String(bv); break;
                    case 4: obj["immutable"] = f.Varint != 0; break;
                }
            }
            if (data.Count > 0) obj["data"] = data;
            if (binary.Count > 0) obj["binaryData"] = binary;
            return obj;
        }

        private static JsonObject MetadataOnly(byte[] raw)
        {
            var obj = new JsonObject();
            foreach (Field f in Fields(raw))
            {
                if (f.Number == 1) obj["metadata"] = ObjectMeta(f.Bytes);
            }
            return obj;
        }

        private static JsonObject ObjectMeta(byte[] raw)
        {
            var meta = new JsonObject();
            var labels = new JsonObject();
            var annotations = new JsonObject();
            var finalizers = new JsonArray();
            var owners = new JsonArray();
            foreach (Field f in Fields(raw))
            {
                switch (f.Number)
                {
                    case 1: meta["name"] = f.Text; break;
                    case 2: meta["generateName"] = f.Text; break;
                    case 3: meta["namespace"] = f.Text; break;
                    case 5: meta["uid"] = f.Text; break;
                    case 6: meta["resourceVersion"] = f.Text; break;
                    case 11: (string lk, byte[] lv) = MapEntry(f.Bytes); labels[lk] = Encoding.UTF8.GetString(lv); break;
                    case 12: (string ak, byte[] av) = MapEntry(f.Bytes); annotations[ak] = Encoding.UTF8.GetString(av); break;
                    case 13: owners.Add(OwnerReference(f.Bytes)); break;
                    case 14: finalizers.Add(f.Text); break;
                }
            }
            if (labels.Count > 0) meta["labels"] = labels;
            if (annotations.Count > 0) meta["annotations"] = annotations;
            if (owners.Count > 0) meta["ownerReferences"] = owners;
            if (finalizers.Count > 0) meta["finalizers"] = finalizers;
            return meta;
        }

        private static JsonObject OwnerReference(byte[] raw)
        {
            var o = new JsonObject();
            foreach (Field f in Fields(raw))
            {
                switch (f.Number)
                {
                    case 1: o["kind"] = f.Text; break;
                    case 3: o["name"] = f.Text; break;
                    case 4: o["uid"] = f.Text; break;
                    case 5: o["apiVersion"] = f.Text; break;
                    case 6: o["controller"] = f.Varint != 0; break;
                    case 7: o["blockOwnerDeletion"] = f.Varint != 0; break;
                }
            }
            return o;
        }

        private static (string Key, byte[] Value) MapEntry(byte[] raw)
        {
            string key = "";
            byte[] value = Array.Empty<byte>();
            foreach (Field f in Fields(raw))
            {
                if (f.Number == 1) key = f.Text;
                if (f.Number == 2) value = f.Bytes;
            }
            return (key, value);
        }

        private readonly struct Field
        {
            public Field(int number, ulong varint, byte[] bytes)
            {
                Number = number;
                Varint = varint;
                Bytes = bytes;
            }

            public int Number { get; }
            public ulong Varint { get; }
            public byte[] Bytes { get; }
            public string Text => Encoding.UTF8.GetString(Bytes);
        }

        private static IEnumerable<Field> Fields(byte[] data) => Fields(data, 0, data.Length);

        private static IEnumerable<Field> Fields(byte[] data, int start, int end)
        {
            int at = start;
            while (at < end)
            {
                ulong tag = ReadVarint(data, ref at);
                int number = (int)(tag >> 3);
                switch ((int)(tag & 7))
                {
                    case 0:
                        yield return new Field(number, ReadVarint(data, ref at), Array.Empty<byte>());
                        break;
                    case 1:
                        at += 8;
                        break;
                    case 2:
                        int length = (int)ReadVarint(data, ref at);
                        byte[] bytes = new byte[length];
                        Array.Copy(data, at, bytes, 0, length);
                        at += length;
                        yield return new Field(number, 0, bytes);
                        break;
                    case 5:
                        at += 4;
                        break;
                    default:
                        throw new InvalidDataException($"protobuf wire type {tag & 7} at byte {at}");
                }
            }
        }

        private static ulong ReadVarint(byte[] data, ref int at)
        {
            ulong value = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = data[at++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
            }
        }
    }
}
