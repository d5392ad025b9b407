using System.Security.Cryptography;

namespace BackupConsole.Core.Identity;

/// <summary>Makes one-time passwords that satisfy any password rule the options allow.</summary>
public static class PasswordGenerator
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "!@#%^*-_=+";

    public static string Generate(int length = 16)
    {
        length = Math.Max(length, 8);
        var all = Upper + Lower + Digits + Symbols;
        var chars = new char[length];
        // One of each class first so every rule combination is met, then shuffle them away from the front.
        chars[0] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[1] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        for (var i = 4; i < length; i++)
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
