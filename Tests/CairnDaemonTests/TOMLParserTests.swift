import Testing

@testable import CairnDaemon

@Suite struct TOMLParserTests {
    @Test func parsesTablesValuesCommentsAndBlankLines() {
        let text = """
            # leading comment

            top = 1
            [alpha]   # a table
              name = "x"  # trailing comment
            flag=true
            off = false
            count = -42
            big = 1_000_000
            list = [1, 2, 3,]
            words = ["a", 'b']
            empty = []

            [beta]
            hash = "a # not a comment"
            """
        let (document, problems) = TOMLParser.parse(text)
        #expect(problems == [])
        #expect(document.tables == ["alpha": 4, "beta": 14])
        let values = Dictionary(uniqueKeysWithValues: document.entries.map { ($0.path, $0.value) })
        #expect(values["top"] == .integer(1))
        #expect(values["alpha.name"] == .string("x"))
        #expect(values["alpha.flag"] == .boolean(true))
        #expect(values["alpha.off"] == .boolean(false))
        #expect(values["alpha.count"] == .integer(-42))
        #expect(values["alpha.big"] == .integer(1_000_000))
        #expect(values["alpha.list"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(values["alpha.words"] == .array([.string("a"), .string("b")]))
        #expect(values["alpha.empty"] == .array([]))
        #expect(values["beta.hash"] == .string("a # not a comment"))
        #expect(document.entries.map(\.line) == [3, 5, 6, 7, 8, 9, 10, 11, 12, 15])
    }

    @Test func basicStringsUnescapeAndLiteralStringsDoNot() {
        let text = #"""
            basic = "quote \" backslash \\ newline \n tab \t end"
            literal = 'C:\path\n "as is"'
            """#
        let (document, problems) = TOMLParser.parse(text)
        #expect(problems == [])
        #expect(document.entries.first?.value == .string("quote \" backslash \\ newline \n tab \t end"))
        #expect(document.entries.last?.value == .string(#"C:\path\n "as is""#))
    }

    @Test func crlfLineEndingsAreLines() {
        let (document, problems) = TOMLParser.parse("[a]\r\nx = 1\r\ny = 'two'\r\n")
        #expect(problems == [])
        #expect(document.entries.map(\.path) == ["a.x", "a.y"])
        #expect(document.entries.map(\.line) == [2, 3])
        #expect(document.entries.last?.value == .string("two"))
    }

    @Test func reportsEverySyntaxProblemWithItsLine() {
        let text = """
            [a]
            x = 1
            x = 2
            s = "unterminated
            t = 'also unterminated
            this is garbage
            n = [[1], 2]
            e = "bad \\q escape"
            [a]
            v = 1 trailing
            w =
            i = 99999999999999999999
            [b.c]
            ok = true
            """
        let (document, problems) = TOMLParser.parse(text)
        #expect(problems.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
        let messages = Dictionary(uniqueKeysWithValues: problems.map { ($0.line, $0.message) })
        #expect(messages[3]?.contains("a.x is set twice") == true)
        #expect(messages[4] == "unterminated string")
        #expect(messages[5] == "unterminated string")
        #expect(messages[6]?.contains("expected '='") == true)
        #expect(messages[7]?.contains("nested arrays") == true)
        #expect(messages[8]?.contains("unsupported escape") == true)
        #expect(messages[9]?.contains("[a] is declared twice") == true)
        #expect(messages[10]?.contains("unexpected text after the value") == true)
        #expect(messages[11]?.contains("expected a value") == true)
        #expect(messages[12]?.contains("is not an integer") == true)
        #expect(messages[13]?.contains("expected ']'") == true)
        // The good lines around the bad ones are still read.
        #expect(document.entries.first?.path == "a.x")
        #expect(document.entries.first?.value == .integer(1))
        #expect(document.entries.contains { $0.line == 14 && $0.value == .boolean(true) })
    }

    @Test func refusesOversizeInput() {
        let text = String(repeating: "# padding\n", count: TOMLParser.maxBytes / 10 + 1)
        let (document, problems) = TOMLParser.parse(text)
        #expect(document.entries.isEmpty)
        #expect(problems.count == 1)
        #expect(problems.first?.line == 0)
    }
}
