/// A family of checks (`layout`, `certificates`, `inboxes` …). Each reads the spool through `DoctorContext` and
/// returns its findings, passed checks included; none may change anything in the spool.
public protocol DoctorCheck: Sendable {
    /// The family's name, shown as `check` in `--json`.
    var family: String { get }

    /// Runs the family's checks.
    func run(_ context: DoctorContext) -> [Finding]
}
