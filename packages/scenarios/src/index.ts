// The public API of @retain/scenarios: its modules are exported here as they land.
export {};
