using System.Security.Cryptography;
using ZstdSharp;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Reads an object's raw bytes back and, at its end, checks both the stored and the raw size and SHA-256 against the
/// manifest; any mismatch, failed tag or broken frame surfaces as <see cref="ChecksumMismatchException"/> naming the object.
/// </summary>
internal sealed class VerifyingReadStream(string backupId, ManifestObject expected, HashingStream stored, HashingStream raw) : ReadOnlyStream
{
    private bool _checked;

    public override long Length => expected.RawSize;

    public override long Position
    {
        get => raw.BytesSeen;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A zero-length read (TarReader makes them) returns 0 without meaning the end of the object.
        if (buffer.IsEmpty)
            return 0;
        int read;
        try
        {
            read = await raw.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is CryptographicException or ZstdException or InvalidDataException)
        {
            throw new ChecksumMismatchException(backupId, expected.Name, ex.Message);
        }
        if (read == 0)
            await CheckAsync(cancellationToken);
        else if (raw.BytesSeen > expected.RawSize)
            throw new ChecksumMismatchException(backupId, expected.Name, "longer than recorded");
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Restore tools reading synchronously still get every check.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    private async Task CheckAsync(CancellationToken ct)
    {
        if (_checked)
            return;
        _checked = true;
        // Drain anything the decoders left unread (padding, a trailing frame) so the stored hash covers the whole object.
        var scratch = new byte[81920];
        while (await stored.ReadAsync(scratch, ct) > 0)
        {
        }
        if (stored.BytesSeen != expected.StoredSize || stored.Sha256Hex != expected.StoredSha256)
            throw new ChecksumMismatchException(backupId, expected.Name, "stored SHA-256 or size differs from the manifest");
        if (raw.BytesSeen != expected.RawSize || raw.Sha256Hex != expected.RawSha256)
            throw new ChecksumMismatchException(backupId, expected.Name, "content SHA-256 or size differs from the manifest");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            raw.Dispose();
            stored.Dispose();
        }
        base.Dispose(disposing);
    }
}
