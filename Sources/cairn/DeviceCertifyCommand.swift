import ArgumentParser
import CairnTrust

/// `cairn device certify`: sign a device certificate from a request.
struct DeviceCertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify",
        abstract: "Issue a device certificate from a certification request.",
        discussion: """
            Verifies the request (it must be self-signed by the device's signing key), checks \
            that --key is the charter's root key for the device's agency and that --clearance \
            is a level of the charter at or below the agency's ceiling, and writes the \
            certificate to --out, valid from now (less five minutes of clock skew) for --days \
            days (default 365).

            --charter is the charter in force; for an amended charter give its whole history, \
            genesis first, by repeating --charter.

            Examples:
              cairn device certify --request hq.request --key alpha.key \\
                  --charter charter.cairn \\
                  --clearance SECRET --days 90 --out hq.cert
            """)

    @Option(name: .long, help: ArgumentHelp("The device's certification request file.", valueName: "file"))
    var request: String

    @OptionGroup var agencyKey: AgencyKeyOptions

    @Option(
        name: .long,
        help: ArgumentHelp("The charter in force (repeat for its history, genesis first).", valueName: "file"))
    var charter: [String] = []

    @Option(name: .long, help: ArgumentHelp("The clearance level to certify.", valueName: "level"))
    var clearance: String

    @Option(name: .long, help: ArgumentHelp("Days the certificate is valid.", valueName: "n"))
    var days: Int = 365

    @Option(name: .long, help: ArgumentHelp("The certificate file to create.", valueName: "file"))
    var out: String

    func validate() throws {
        guard !charter.isEmpty else { throw ValidationError("give the charter with --charter FILE.") }
        guard (1...3650).contains(days) else { throw ValidationError("--days must be between 1 and 3650.") }
    }

    func run() throws {
        let verifiedCharter = try Ceremony.verifiedCharter(charter)
        let verifiedRequest = try CertificationRequest.verify(SignedObject.read(from: request, kind: .request))
        let rootKey = try agencyKey.load()
        let now = Ceremony.now
        let certificate = try DeviceCertificate.issue(
            request: verifiedRequest, agencyKey: rootKey, charter: verifiedCharter, clearance: clearance,
            notBefore: now - 300, notAfter: now + Int64(days) * 86_400)
        try certificate.write(to: out)
        let issued = try DeviceCertificate.verify(certificate, charter: verifiedCharter, now: now)
        Output.pairs([
            ("certified", issued.ref.description),
            ("device id", Ceremony.hex(issued.signingKey.bytes)),
            ("clearance", issued.clearance),
            ("valid", "\(Ceremony.iso(issued.notBefore)) to \(Ceremony.iso(issued.notAfter))"),
            ("serial", issued.serialHex),
            ("written", out),
        ])
    }
}
