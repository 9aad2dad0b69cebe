import Foundation
import Testing

extension IntegrationSuite {
    /// Docs/Operations.md followed from nothing to a running, enrolled site under a real
    /// systemd (PID 1 of its own namespaces; scripts/systemd-walkthrough.sh): install, sysusers,
    /// key ceremony, enrolment, credentials, Type=notify start, sandbox in force, watchdog pings
    /// and a watchdog restart, reload, restart, clean stop.
    @Suite(.timeLimit(.minutes(3)))
    struct SystemdWalkthroughTests {
        static var canBootSystemd: Bool {
            getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
                && FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd")
        }

        @Test(.enabled(if: canBootSystemd, "needs root, unshare(1) and systemd (make test installs systemd)"))
        func operationsGuideWorksUnderRealSystemd() throws {
            let result = try ProcessRunner.run(
                Binaries.packageRoot + "/scripts/systemd-walkthrough.sh", [Binaries.productsDirectory], timeout: 170)
            #expect(result.status == 0, "walk-through failed:\n\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("systemd walk-through: every step passed"))
            for step in ["Watchdog timeout", "no system call refused by the sandbox", "NoNewPrivs 1, Seccomp 2", "clean exit"] {
                #expect(result.stdout.contains(step), "missing step: \(step)")
            }
        }
    }
}
