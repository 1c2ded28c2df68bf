import Spool

/// The office's own templates (`$LIENTHONG_TEMPLATES`, the spool's `templates/`, `/etc/lienthong/templates/`)
/// compile: a broken one makes `watch`, `serve` and `register` refuse to start. Files no template is named after,
/// or hidden by a copy in an earlier folder, are pointed out: an office editing them would see no change.
public struct TemplatesCheck: DoctorCheck {
    public let family = "templates"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        let checks = TemplateChecker.check(spool: context.spool)
        guard !checks.isEmpty else {
            return [
                .ok(
                    "templates", subject: "templates/",
                    vi: "Dùng các mẫu có sẵn trong chương trình.", en: "The templates built into lienthong are used.")
            ]
        }
        return checks.map { check in
            switch check.verdict {
            case .ok:
                return .ok(
                    "template", subject: check.path, vi: "Mẫu riêng của cơ quan dùng được.",
                    en: "The office's own template compiles.")
            case .broken(let error):
                return Finding(
                    "template-invalid", .error, subject: check.path,
                    vi: "Mẫu riêng không dùng được: \(error).",
                    en: "The office's own template cannot be used: \(error).",
                    actionVi:
                        "Sửa tệp tại dòng và cột đã nêu, hoặc xoá tệp để dùng mẫu có sẵn; khi còn lỗi, lienthong watch, serve và register không chạy.",
                    actionEn:
                        "Fix the file at the line and column given, or remove it to use the built-in default; watch, serve and register refuse to start until then."
                )
            case .shadowed(let by):
                return Finding(
                    "template-shadowed", .warning, subject: check.path,
                    vi: "Tệp mẫu này không được dùng: \(by) được dùng thay.",
                    en: "This template is not used: \(by) is used instead.",
                    actionVi: "Sửa tệp đang được dùng, hoặc xoá một trong hai tệp.",
                    actionEn: "Edit the file in use, or remove one of the two.")
            case .unused:
                return Finding(
                    "template-unknown", .warning, subject: check.path,
                    vi: "Không có mẫu nào tên như vậy; tệp này không được dùng.",
                    en: "No template has this name; the file is never read.",
                    actionVi: "Kiểm tra tên tệp (lienthong templates list liệt kê các mẫu).",
                    actionEn: "Check the file's name (lienthong templates list shows every template).")
            }
        }
    }
}
