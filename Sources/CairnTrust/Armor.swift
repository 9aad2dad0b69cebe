/// The kinds of armored text file Cairn reads and writes.
public enum ArmorKind: String, CaseIterable, Sendable {
    case charter = "CHARTER"
    case certificate = "CERTIFICATE"
    case request = "REQUEST"
    case revocation = "REVOCATION"
    case agencyKey = "AGENCY KEY"
    case deviceKeys = "DEVICE KEYS"
}

/// Text armor for trust objects and key files:
///
///     -----BEGIN CAIRN CHARTER-----
///     <base64, 64 characters a line>
///     -----END CAIRN CHARTER-----
///
/// Text survives e-mail, paste buffers and printing for an offline ceremony, and the label
/// says what a file is before anything is decoded. Surrounding whitespace, CRLF line ends and
/// blank lines inside the block are tolerated; anything else is refused.
public enum Armor {
    /// The largest armored text accepted, checked before any decoding.
    public static let maxTextBytes = 1 << 20
    /// The base64 line length written.
    public static let lineLength = 64

    /// The armored text of `bytes`, ending with a newline.
    public static func encode(kind: ArmorKind, bytes: [UInt8]) -> String {
        let base64 = Array(Base64.encode(bytes).utf8)
        var out = "-----BEGIN CAIRN \(kind.rawValue)-----\n"
        var index = 0
        while index < base64.count {
            let end = min(index + lineLength, base64.count)
            out += String(decoding: base64[index..<end], as: UTF8.self) + "\n"
            index = end
        }
        return out + "-----END CAIRN \(kind.rawValue)-----\n"
    }

    /// The bytes armored in `text`; throws `tooLarge` above `maxTextBytes`, `wrongKind` when the
    /// label is not `kind`, and `malformedArmor` for anything else that is wrong.
    public static func decode(_ text: String, expecting kind: ArmorKind) throws -> [UInt8] {
        let block = try parse(text)
        guard block.label == kind.rawValue else {
            throw TrustError.wrongKind(expected: kind.rawValue, found: Display.clean(block.label))
        }
        return try decodeBody(block.body)
    }

    /// The kind of armored `text`, for tools that show whatever file they are given.
    public static func kind(of text: String) throws -> ArmorKind {
        let label = try parse(text).label
        guard let kind = ArmorKind(rawValue: label) else {
            throw TrustError.malformedArmor(reason: "unknown kind '\(Display.clean(label))'")
        }
        return kind
    }

    private static let beginPrefix = "-----BEGIN CAIRN "
    private static let endPrefix = "-----END CAIRN "
    private static let suffix = "-----"

    private static func parse(_ text: String) throws -> (label: String, body: [Substring]) {
        let size = text.utf8.count
        guard size <= maxTextBytes else {
            throw TrustError.tooLarge(what: "armored file", size: size, limit: maxTextBytes)
        }
        // `isNewline` also matches "\r\n", which Swift treats as one Character.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(trim)
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, first.hasPrefix(beginPrefix), first.hasSuffix(suffix),
            first.count > beginPrefix.count + suffix.count
        else {
            throw TrustError.malformedArmor(reason: "no -----BEGIN CAIRN ...----- line at the start")
        }
        let label = String(first.dropFirst(beginPrefix.count).dropLast(suffix.count))
        guard lines.count >= 2, lines.last! == endPrefix + label + suffix else {
            throw TrustError.malformedArmor(reason: "no matching -----END CAIRN \(Display.clean(label))----- line at the end")
        }
        return (label, Array(lines[1..<(lines.count - 1)]))
    }

    private static func decodeBody(_ lines: [Substring]) throws -> [UInt8] {
        var base64: [UInt8] = []
        for line in lines where !line.isEmpty { base64.append(contentsOf: line.utf8) }
        let bytes = try Base64.decode(base64)
        guard !bytes.isEmpty else { throw TrustError.malformedArmor(reason: "empty body") }
        return bytes
    }

    private static func trim(_ line: Substring) -> Substring {
        var line = line
        while let last = line.last, last == " " || last == "\t" { line.removeLast() }
        while let first = line.first, first == " " || first == "\t" { line.removeFirst() }
        return line
    }
}
