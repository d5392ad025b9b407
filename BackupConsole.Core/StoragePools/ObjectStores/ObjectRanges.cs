namespace BackupConsole.Core.StoragePools.ObjectStores;

internal static class ObjectRanges
{
    /// <summary>A whole object in memory: for objects known to be small (a pack, a format-1 blob).</summary>
    public static async Task<byte[]> ReadAllAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(key, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes; a shorter object is damage, reported with its key.</summary>
    public static async Task<byte[]> ReadExactlyAsync(Stream stream, string key, string location, int length, CancellationToken ct)
    {
        var content = new byte[length];
        var filled = await stream.ReadAtLeastAsync(content, length, throwOnEndOfStream: false, ct);
        if (filled < length)
            throw new InvalidDataException($"{key} in {location} ends {length - filled} bytes before the range read from it.");
        return content;
    }
}
