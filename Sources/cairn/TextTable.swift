/// A table for people, laid out to fit a terminal of `TextTable.defaultWidth` columns.
///
/// To fit, it narrows the columns that may be narrowed: a `.cut` cell loses its end to `…`
/// (summaries, which a `get` shows whole), a `.wrap` cell continues on the next lines of its
/// row. Where that is not enough it leaves out optional columns, least useful first. `.keep` cells
/// (ids, names, keys, times) are never touched, so a table of very long ids can still be
/// wider. Messages that must be read whole (connection errors, withdrawal reasons) go in
/// `notes`, one per line under the table, never in a cell. `wide` (`--wide`) shows every
/// column and every cell whole.
struct TextTable {
    /// What may be done to a column's cells to fit the width.
    enum Fit {
        case keep, cut, wrap
    }

    struct Column {
        let header: String
        let fit: Fit
        /// Left out when the table is too wide, higher ranks first; nil: always shown.
        let dropRank: Int?

        init(_ header: String, fit: Fit = .keep, dropRank: Int? = nil) {
            self.header = header
            self.fit = fit
            self.dropRank = dropRank
        }
    }

    /// The width `cairn` fits its tables to unless `--wide` is given.
    static let defaultWidth = 100
    /// Narrowed columns keep at least this many characters (or their header's).
    static let minimumWidth = 12
    static let separator = "  "

    let columns: [Column]
    var rows: [[String]]
    /// Lines printed under the table, after a blank line.
    var notes: [String] = []

    init(_ columns: [Column], rows: [[String]] = [], notes: [String] = []) {
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    /// The lines to print: fitted to `width`, or everything whole when `width` is nil.
    func lines(width: Int?) -> [String] {
        let cells = rows.map { $0.map(Self.flat) }
        var shown = Array(columns.indices)
        let natural = columns.indices.map { column in
            ([columns[column].header] + cells.map { $0[column] }).map(\.count).max() ?? 0
        }
        var widths = natural
        if let width {
            // Narrowing comes first; an optional column goes only when narrowing is not enough.
            while true {
                widths = narrow(natural, shown: shown, to: width)
                guard Self.total(widths, shown) > width,
                    let drop = shown.filter({ columns[$0].dropRank != nil }).max(by: { columns[$0].dropRank! < columns[$1].dropRank! })
                else { break }
                shown.removeAll { $0 == drop }
            }
        }
        var output: [String] = []
        for row in [columns.map(\.header)] + cells {
            let parts = shown.map { column -> [String] in
                let text = row[column]
                guard text.count > widths[column] else { return [text] }
                switch columns[column].fit {
                case .keep: return [text]
                case .cut: return [String(text.prefix(widths[column] - 1)) + "…"]
                case .wrap: return Self.wrap(text, width: widths[column])
                }
            }
            let height = parts.map(\.count).max() ?? 1
            for line in 0..<height {
                var text = shown.indices.map { index -> String in
                    let part = line < parts[index].count ? parts[index][line] : ""
                    return index == shown.count - 1 ? part : part.padding(toLength: widths[shown[index]], withPad: " ", startingAt: 0)
                }.joined(separator: Self.separator)
                while text.last == " " { text.removeLast() }
                output.append(text)
            }
        }
        if !notes.isEmpty {
            output.append("")
            output += notes
        }
        return output
    }

    static func total(_ widths: [Int], _ shown: [Int]) -> Int {
        shown.map { widths[$0] }.reduce(0, +) + separator.count * max(shown.count - 1, 0)
    }

    /// `widths` with the widest narrowable column narrowed one character at a time (so that
    /// such columns meet at one width rather than one losing everything) until the `shown`
    /// columns fit `width` or none can be narrowed further.
    private func narrow(_ widths: [Int], shown: [Int], to width: Int) -> [Int] {
        var widths = widths
        while Self.total(widths, shown) > width {
            let narrowable = shown.filter { columns[$0].fit != .keep && widths[$0] > max(Self.minimumWidth, columns[$0].header.count) }
            guard let widest = narrowable.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        return widths
    }

    /// One line of a cell: tabs and line breaks become spaces.
    static func flat(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\t", with: " ")
    }

    /// `text` in lines of at most `width` characters, broken at spaces where it can be and
    /// inside a word only when a word is longer than a line. Nothing is lost.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var word = word
            if !current.isEmpty, current.count + 1 + word.count <= width {
                current += " " + word
                continue
            }
            if !current.isEmpty { lines.append(current) }
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            current = word
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
