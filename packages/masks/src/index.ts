// The public API of @retain/masks: its modules are exported here as they land.
export {};
