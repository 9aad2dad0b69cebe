import ArgumentParser
import CairnControl
import Foundation

/// `cairn watch`: follows committed changes as they happen.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow changes to records as they are committed, until interrupted.",
        discussion: """
            Prints one line per committed change (created, updated or deleted record): time, \
            change, id, type, level, author and the record's title field when it has one. \
            --class watches one level; a level above this site's clearance is refused, as \
            `record list --class` refuses it. With \
            --json each line is one JSON object: {"event": "record.updated", "record": {…}, \
            "delta": "…"}; the first line is {"event": "watching"} once the subscription is in \
            place, so scripts know that no later change can be missed. Needs the read right. A \
            watcher that stops reading is disconnected by the daemon.

            Examples:
              cairn watch
              cairn watch --json --class SECRET | jq -c '.record.id'
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(
        name: .customLong("class"),
        help: ArgumentHelp("Show only records of this classification level (the daemon filters).", valueName: "level"))
    var level: String?

    @Flag(name: .long, help: "Print each event as one JSON line.")
    var json = false

    func run() throws {
        try connection.client.watch(class: level) { event in
            if json {
                Output.line((try? ControlJSON.compactText(event)) ?? "{}")
            } else if let line = Self.line(event) {
                Output.line(line)
            } else if event.event == "watching" {
                Output.standardError("watching for changes (Ctrl-C to stop)\n")
            }
            return true
        }
    }

    /// The human line of a change: `AT  VERB  ID  TYPE  LEVEL  by AUTHOR  TITLE`, the title
    /// (field `title`, on one line) only when the record has one; nil for other events.
    static func line(_ event: WatchEvent) -> String? {
        guard let record = event.record else { return nil }
        let verb = event.event.replacingOccurrences(of: "record.", with: "")
        let title = record.fields["title"].map { "  " + TextTable.flat(Format.value($0)) } ?? ""
        return "\(record.updated.at)  \(verb)  \(record.id)  \(record.type)  \(record.classification)  by \(record.updated.by)" + title
    }
}
