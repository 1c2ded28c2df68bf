import Packets

/// The agencies `lienthong init --demo` creates: a small Thái Bình province network, for trying the office out.
public enum DemoAgencies {
    /// Code and name of each demo agency.
    public static let all: [(code: AgencyCode, name: String)] = [
        (AgencyCode("000.00.00.H53")!, "Ủy ban nhân dân tỉnh Thái Bình"),
        (AgencyCode("000.00.01.H53")!, "Văn phòng Ủy ban nhân dân tỉnh Thái Bình"),
        (AgencyCode("000.00.02.H53")!, "Sở Nội vụ tỉnh Thái Bình"),
        (AgencyCode("000.00.03.H53")!, "Ủy ban nhân dân huyện Đông Hưng"),
    ]
}
