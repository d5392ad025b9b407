namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>The store refused or failed a request; the message is the store's own error text, for the operator.</summary>
public sealed class ObjectStoreException(string message, Exception? inner = null) : Exception(message, inner);
