import ArgumentParser

/// `cairn device …`: device certificates.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Certify (offline key ceremony), list and revoke devices.",
        discussion: """
            Each daemon or laptop is a device with keys of its own. It makes a certification \
            request (cairnd init writes one); the agency verifies it and signs a certificate \
            binding the device's name, keys and clearance, which the device installs.

            Examples:
              cairn device certify --request hq.request --key alpha.key \\
                  --charter charter.cairn \\
                  --clearance SECRET --out hq.cert
            """,
        subcommands: [
            DeviceCertifyCommand.self, DeviceListCommand.self, DeviceRevokeCommand.self, DeviceImportRevocationCommand.self,
        ]
    )
}
