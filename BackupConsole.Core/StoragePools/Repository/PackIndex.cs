using System.Globalization;
using System.Text;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>Where one blob lives: a byte range of a pack.</summary>
public sealed record BlobLocation(string BlobId, string PackKey, long Offset, int Length)
{
    /// <summary>The codecs of the blobs in the pack (<c>.zst</c>, <c>.enc</c>), from the pack's name.</summary>
    public string Suffix => PackIndex.SuffixOfPack(PackKey);
}

/// <summary>
/// The pool-wide map from blob id to its place in a pack, read from the index objects under <c>index/</c>. Each run
/// that writes packs adds one index object; pruning replaces them all with one. A set's <c>blobs.txt</c> says which
/// blobs it needs, and only this index says where they are, so pruning can move blobs without touching any set.
/// </summary>
public sealed class PackIndex
{
    public const string Prefix = "index/";

    /// <summary>First line of every index object: lets a reader refuse a layout it does not know.</summary>
    public const string Header = "BackupConsole pack index 1";

    private readonly Dictionary<string, List<BlobLocation>> _byBlob = new(StringComparer.Ordinal);

    /// <summary>The index objects this was read from: what a prune replaces.</summary>
    public List<string> SourceKeys { get; } = [];

    public IEnumerable<BlobLocation> Locations => _byBlob.Values.SelectMany(l => l);

    /// <summary>The places of a blob written with <paramref name="suffix"/>; usually one, more after an interrupted prune.</summary>
    public IEnumerable<BlobLocation> Find(string blobId, string suffix) =>
        _byBlob.TryGetValue(blobId, out var locations) ? locations.Where(l => l.Suffix == suffix) : [];

    public void Add(BlobLocation location)
    {
        if (!_byBlob.TryGetValue(location.BlobId, out var locations))
            _byBlob[location.BlobId] = locations = new List<BlobLocation>(1);
        if (!locations.Contains(location))
            locations.Add(location);
    }

    public static string SuffixOfPack(string packKey)
    {
        var name = packKey[(packKey.LastIndexOf('/') + 1)..];
        var dot = name.IndexOf('.');
        return dot < 0 ? "" : name[dot..];
    }

    /// <param name="strict">For pruning: an index object that vanishes between the listing and its read means another
    /// prune is replacing the index, and deciding anything from what is left could delete packs still in use.</param>
    public static async Task<PackIndex> LoadAsync(IObjectStore store, CancellationToken ct, bool strict = false)
    {
        var index = new PackIndex();
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(Prefix, ct))
            keys.Add(info.Key);
        foreach (var key in keys)
        {
            try
            {
                await using var stream = await store.OpenReadAsync(key, ct);
                await index.ReadAsync(stream, key, ct);
            }
            catch (ObjectNotFoundException) when (strict)
            {
                throw new InvalidOperationException(
                    $"The pool's index changed while it was read ({key} is gone): another prune is running. This one stops; the next check prunes.");
            }
            catch (ObjectNotFoundException)
            {
                // Replaced by a prune between the listing and the read; the prune wrote its replacement first, and a
                // reader that misses a blob because the listing predates it loads the index again.
                continue;
            }
            index.SourceKeys.Add(key);
        }
        return index;
    }

    private async Task ReadAsync(Stream stream, string key, CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII);
        if (await reader.ReadLineAsync(ct) != Header)
            throw new InvalidDataException($"{key} is not a pack index this console reads (its first line is not '{Header}').");
        var packs = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
                continue;
            var fields = line.Split(' ');
            if (fields.Length != 4 || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || !fields[1].StartsWith(PackKeys.Prefix, StringComparison.Ordinal))
                throw new InvalidDataException($"{key} has a malformed line: '{line}'.");
            // One string per pack, not per blob: a large pool's index holds millions of entries.
            var pack = packs.TryGetValue(fields[1], out var known) ? known : packs[fields[1]] = fields[1];
            Add(new BlobLocation(fields[0], pack, offset, length));
        }
    }

    /// <summary>An index object's content: the header, then <c>&lt;blob id&gt; &lt;pack key&gt; &lt;offset&gt; &lt;length&gt;</c> per line.</summary>
    public static byte[] Serialize(IEnumerable<BlobLocation> locations)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var l in locations.OrderBy(l => l.PackKey, StringComparer.Ordinal).ThenBy(l => l.Offset))
            text.Append(l.BlobId).Append(' ').Append(l.PackKey).Append(' ')
                .Append(l.Offset.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(l.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>A fresh name under <c>index/</c>: runs and prunes write their own, never overwrite another's.</summary>
    public static string NewKey() => $"{Prefix}{PackKeys.NewId()}.txt";
}

internal static class PackKeys
{
    public const string Prefix = "packs/";

    public static string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static string KeyOf(string packId, string suffix) => $"{Prefix}{packId[..2]}/{packId}{suffix}";
}
