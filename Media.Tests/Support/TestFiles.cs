using System.Diagnostics;

namespace Media.Tests.Support;

/// <summary>Small file-system helpers the tests share.</summary>
public static class TestFiles
{
    /// <summary>Writes <paramref name="size"/> zero bytes at <paramref name="relative"/> under <paramref name="root"/>, making folders.</summary>
    public static void Write(string root, string relative, int size)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[size]);
    }

    /// <summary>The file's inode number (stat -c %i): a hardlink shares it, a copy does not.</summary>
    public static string Inode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var inode = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return inode;
    }
}
