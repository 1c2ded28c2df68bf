import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `office.yaml` and every `agencies/<code>/agency.yaml` load, each error with its file, line and column — what
/// `lienthong watch` would refuse at start (or skip, for an agency edited while it runs).
public struct ConfigurationCheck: DoctorCheck {
    public let family = "config"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        var findings: [Finding] = []
        switch context.office {
        case nil:
            findings.append(
                Finding(
                    "office-config-missing", .warning, subject: "office.yaml",
                    vi: "Không có tệp office.yaml; hệ thống dùng các giá trị mặc định.",
                    en: "There is no office.yaml; the office uses the defaults.",
                    actionVi: "Chạy lienthong init để tạo office.yaml có chú thích, rồi sửa theo cơ quan mình.",
                    actionEn: "Run lienthong init to write a commented office.yaml, then adapt it."))
        case .success?:
            findings.append(
                .ok("office-config", subject: "office.yaml", vi: "office.yaml hợp lệ.", en: "office.yaml is valid."))
        case .failure(let error)?:
            findings.append(invalid("office-config-invalid", error, context))
        }
        if access(context.spool.agencies, F_OK) != 0 {
            findings.append(
                Finding(
                    "agencies-missing", .error, subject: "agencies/",
                    vi: "Không có thư mục agencies/: chưa có cơ quan nào.",
                    en: "There is no agencies/ folder: no agency is set up.",
                    actionVi: "Chạy lienthong init, rồi thêm agencies/<mã>/agency.yaml cho từng cơ quan.",
                    actionEn: "Run lienthong init, then add agencies/<code>/agency.yaml for each agency."))
        }
        for (name, config) in context.agencyFolders {
            switch config {
            case .success:
                findings.append(
                    .ok(
                        "agency-config", subject: "agencies/\(name)/agency.yaml",
                        vi: "agency.yaml hợp lệ.", en: "agency.yaml is valid."))
            case .failure(let error):
                findings.append(invalid("agency-config-invalid", error, context))
            }
        }
        return findings
    }

    private func invalid(_ code: String, _ error: ConfigError, _ context: DoctorContext) -> Finding {
        Finding(
            code, .error, subject: context.location(error),
            vi: "Tệp cấu hình bị từ chối: \(error.message).",
            en: "The configuration file is refused: \(error.message).",
            actionVi:
                "Sửa tệp tại dòng và cột đã nêu; lienthong watch không chạy (hoặc bỏ qua cơ quan này) khi tệp còn lỗi.",
            actionEn:
                "Fix the file at the line and column given; lienthong watch refuses to start (or skips the agency) until then."
        )
    }
}
