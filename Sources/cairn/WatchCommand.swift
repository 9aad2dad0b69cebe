import ArgumentParser
import CairnControl
import Foundation

/// `cairn watch`: follows committed changes as they happen.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow changes to records as they are committed, until interrupted.",
        discussion: """
            Prints one line per committed change (created, updated or deleted record). With \
            --json each line is one JSON object: {"event": "record.updated", "record": {…}, \
            "delta": "…"}; the first line is {"event": "watching"} once the subscription is in \
            place, so scripts know that no later change can be missed. Needs the read right. A \
            watcher that stops reading is disconnected by the daemon.

            Examples:
              cairn watch
              cairn watch --json --class SECRET | jq -c '.record.id'
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customLong("class"), help: "Show only records of this classification level.")
    var level: String?

    @Flag(name: .long, help: "Print each event as one JSON line.")
    var json = false

    func run() throws {
        try connection.client.watch { event in
            if let level, let record = event.record, record.classification != level { return true }
            if json {
                Output.line((try? ControlJSON.compactText(event)) ?? "{}")
            } else if let record = event.record {
                let verb = event.event.replacingOccurrences(of: "record.", with: "")
                Output.line("\(record.updated.at)  \(verb)  \(record.id)  \(record.type)  \(record.classification)  by \(record.updated.by)")
            } else if event.event == "watching" {
                Output.standardError("watching for changes (Ctrl-C to stop)\n")
            }
            return true
        }
    }
}
