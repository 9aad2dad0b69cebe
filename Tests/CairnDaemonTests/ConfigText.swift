/// The smallest valid `cairnd.toml` text for parser tests: the required keys, then `device`
/// lines at the end of `[device]` (so the first one is on line 5) and `control` lines after
/// `socket` in `[control]`.
func minimalConfigText(device: [String] = [], socket: String = "sock", control: [String] = []) -> String {
    (["[device]", "keys = \"k\"", "certificate = \"c\"", "charter = \"ch\""] + device
        + ["[store]", "state_dir = \"s\"", "[control]", "socket = \"\(socket)\""] + control)
        .joined(separator: "\n") + "\n"
}
