/// The app's Monzo configuration these jobs read: `services.monzo.salary_name` (env `MONZO_SALARY_NAME`).
public struct MonzoSettings: Sendable, Equatable {
    /// The exact merchant name of salary payments; nil or empty: no transaction is a salary.
    public var salaryName: String?

    public init(salaryName: String? = nil) {
        self.salaryName = salaryName
    }

    public static func fromEnvironment(_ variables: [String: String]) -> MonzoSettings {
        MonzoSettings(salaryName: variables["MONZO_SALARY_NAME"])
    }
}
