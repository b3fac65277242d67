/// Everything `flow server` needs of a store, whichever it is (FlowStore's SQLite file or FlowPostgres'
/// PostgreSQL server): what every command needs (``FlowStoreBackend``), plus the state machines, versions and
/// aliases created through the API (``StateMachineStore``) and activities, their tasks and tags (``ActivityStore``).
///
/// Several `flow server` processes may share one PostgreSQL store: each activity task still goes to exactly one
/// poller (``ActivityStore/takeActivityTask(activity:worker:now:)``).
public protocol StepFunctionsStore: FlowStoreBackend, StateMachineStore, ActivityStore {}
