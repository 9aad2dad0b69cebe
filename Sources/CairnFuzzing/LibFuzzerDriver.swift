#if CAIRN_FUZZING
import Glibc

// libFuzzer's driver, called directly: SwiftPM links executables with their own `main`, so
// libFuzzer's `main` is not used (see Docs/Fuzzing.md). The symbol exists only in a build with
// `-sanitize=fuzzer`, hence the CAIRN_FUZZING condition that `make fuzz` sets.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target the C callback runs (a C function pointer cannot capture it). Set once, before
/// the driver starts, on the only thread that runs inputs.
nonisolated(unsafe) private var driven: FuzzTarget = .frame

extension FuzzTarget {
    /// Runs libFuzzer over this target with the process's arguments, then exits with the
    /// driver's status: the whole `main` of a fuzz executable.
    public func runLibFuzzer() -> Never {
        FuzzTarget.prepare()
        driven = self
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            driven.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
        exit(status)
    }
}
#endif
