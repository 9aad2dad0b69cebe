import ArgumentParser
import CairnControl
import CairnTrust

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CairnCommand {
    /// Parses the command line, runs the command, and exits with the CLI's exit codes.
    ///
    /// ArgumentParser exits 64 (EX_USAGE) on a usage error and prints other errors as
    /// `Error: …`; cairn's interface promises 2 for usage errors (the convention of most Unix
    /// tools) and `cairn: <message>` on standard error, so errors are mapped here rather than
    /// by `main()`.
    static func runAndExit() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            terminate(0)
        } catch let error as CLIError {
            fail(error.description, code: error.exitCode)
        } catch let error as ControlClientError {
            let mapped = CLIError(error)
            fail(mapped.description, code: mapped.exitCode)
        } catch TrustError.passphraseRequired {
            fail("\(TrustError.passphraseRequired) Give it with --passphrase-file FILE (- for standard input), --passphrase-fd N, or run on a terminal to be asked.", code: 1)
        } catch let error as TrustError {
            fail(error.description, code: 1)
        } catch let error as ExitCode {
            terminate(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Output.line(fullMessage(for: error))
                terminate(0)
            }
            if code == .validationFailure {
                Output.standardError(fullMessage(for: error))
                terminate(2)
            }
            fail(message(for: error), code: code.rawValue)
        }
    }

    private static func fail(_ message: String, code: Int32) -> Never {
        Output.error(message)
        terminate(code)
    }
}

/// The C library's `exit`, which the command type's own static `exit(withError:)` hides inside it.
private func terminate(_ code: Int32) -> Never {
    exit(code)
}
