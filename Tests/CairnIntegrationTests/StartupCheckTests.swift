import Foundation
import Testing

extension IntegrationSuite {
    /// Starting by hand without systemd (issue 17, point 2): every start-up problem is reported
    /// at once, by `--check-config` and by a start alike, and a refused start creates nothing.
    @Suite struct StartupCheckTests {
        @Test func everyProblemIsReportedAtOnceAndNothingIsCreated() throws {
            let held = try HeldPort()
            defer { withExtendedLifetime(held) {} }
            let port = held.port
            let site = try SiteDirectory(extraSections: "[sync]\nlisten = \"127.0.0.1:\(port)\"\n")
            defer { site.remove() }
            // Three problems: the state directory is open to others, the passphrase file named
            // does not exist, and the sync port is taken.
            #expect(mkdir(site.state, 0o755) == 0)
            chmod(site.state, 0o755)
            var text = try String(contentsOfFile: site.config, encoding: .utf8)
            text = text.replacingOccurrences(of: "[device]\n", with: "[device]\npassphrase_file = \"\(site.path)/missing.pass\"\n")
            try text.write(toFile: site.config, atomically: true, encoding: .utf8)

            let checked = try ProcessRunner.run(Binaries.cairnd, ["--check-config", site.config], timeout: 30)
            let started = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            for (what, result) in [("--check-config", checked), ("start", started)] {
                #expect(result.status == 1, "\(what): \(result.status)")
                let said = result.stderr
                #expect(said.contains("store.state_dir") && said.contains("has mode 755"), "\(what): \(said)")
                #expect(said.contains("device.passphrase_file") && said.contains("missing.pass") && said.contains("errno 2"), "\(what): \(said)")
                #expect(said.contains("sync.listen") && said.contains("cannot listen for sync on 127.0.0.1:\(port)"), "\(what): \(said)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: site.state).isEmpty, "a refused start wrote into the state directory")
        }

        /// A genesis charter that does not verify (here: not the pinned one) is found by the
        /// check, before the store is created.
        @Test func aCharterThatIsNotThePinnedOneIsFoundBeforeTheStoreIsMade() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            var text = try String(contentsOfFile: site.config, encoding: .utf8)
            text = text.replacingOccurrences(of: "[device]\n", with: "[device]\ncharter_fingerprint = \"\(String(repeating: "ab", count: 32))\"\n")
            try text.write(toFile: site.config, atomically: true, encoding: .utf8)
            let checked = try ProcessRunner.run(Binaries.cairnd, ["--check-config", site.config], timeout: 30)
            #expect(checked.status == 1 && checked.stderr.contains("device.charter"), "\(checked.stdout)\(checked.stderr)")
            let started = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            #expect(started.status == 1 && started.stderr.contains("device.charter"), "\(started.stderr)")
            #expect(!FileManager.default.fileExists(atPath: site.state + "/cairn.sqlite"))
        }

        @Test func aMissingStateDirectoryIsNotCreatedByACheck() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let checked = try ProcessRunner.run(Binaries.cairnd, ["--check-config", site.config], timeout: 30)
            #expect(checked.status == 0, "\(checked.stderr)")
            #expect(!FileManager.default.fileExists(atPath: site.state))
        }
    }
}
