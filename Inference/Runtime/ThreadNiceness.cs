using System.Runtime.InteropServices;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// Lowers the scheduling priority (raises the Linux "nice" value) of the calling thread. Threads a thread creates
/// inherit it, so ONNX Runtime's worker threads, created with the session, run at the priority of the thread that
/// created the session. A model sharing its machine with a game server then yields the cores to short server work
/// (acknowledgements, messages) and still gets all of them when the server is idle. Only on Linux; elsewhere a no-op.
/// </summary>
public static partial class ThreadNiceness
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value (0 normal, 19 lowest); returns false where unsupported or refused.</summary>
    public static bool SetCurrentThread(int nice)
    {
        if (nice == 0 || !OperatingSystem.IsLinux()) return false;
        try
        {
            return setpriority(PrioProcess, gettid(), Math.Clamp(nice, -20, 19)) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="create"/> on a new thread with the given nice value (so threads it starts inherit it).</summary>
    public static T CreateOnNicedThread<T>(int nice, Func<T> create)
    {
        if (nice == 0 || !OperatingSystem.IsLinux()) return create();
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            SetCurrentThread(nice);
            try
            {
                result = create();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }, maxStackSize: 4 << 20)
        { Name = "tgg-niced-create" };
        thread.Start();
        thread.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return result!;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpriority(int which, int who, int prio);

    [LibraryImport("libc")]
    private static partial int gettid();
}
