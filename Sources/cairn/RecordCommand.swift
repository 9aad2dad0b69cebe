import ArgumentParser

/// `cairn record …`: create, read, list, delete records and show their history.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Create, read, list and delete records, and show their history.",
        discussion: """
            A record has an id, a type (free text such as incident or person), a classification \
            level, fields holding JSON values, and tags. Concurrent writes to one field from \
            different sites converge to one winner; the losing values stay visible as conflicts \
            (in `cairn record get`) until someone writes the field again.

            Examples:
              cairn record put --type incident --class SECRET \\
                  --field title="Convoy stopped" --tag north
              cairn record get r-123
              cairn record list --type incident --tag north
              cairn record get r-123 --json > r.json
              $EDITOR r.json
              cairn record put --from r.json
            """,
        subcommands: [
            RecordPutCommand.self, RecordGetCommand.self, RecordListCommand.self, RecordDeleteCommand.self,
            RecordHistoryCommand.self,
            RecordReclassifyCommand.self,
            RecordRetractCommand.self,
        ]
    )
}
