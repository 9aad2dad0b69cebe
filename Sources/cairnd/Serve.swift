import ArgumentParser
import CairnDaemon
import Foundation

/// `cairnd [serve] --config FILE`: runs the site until SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the site described by a configuration file (the default command).")

    @Option(name: .long, help: "The configuration file.")
    var config: String = "/etc/cairn/cairnd.toml"

    @Option(name: .customLong("check-config"), help: "Check this configuration file, print every problem, and exit.")
    var checkConfig: String?

    func run() async throws {
        if let path = checkConfig {
            let (problems, notes) = Daemon.checkConfig(path: path)
            for note in notes { print("\(path): note: \(note)") }
            if problems.isEmpty {
                print("\(path): ok")
                return
            }
            for problem in problems { FileHandle.standardError.write(Data("\(path): \(problem)\n".utf8)) }
            throw ExitCode(1)
        }
        do {
            try await Daemon.run(configPath: config)
        } catch {
            FileHandle.standardError.write(Data("cairnd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
