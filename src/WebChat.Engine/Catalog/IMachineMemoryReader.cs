namespace WebChat.Engine.Catalog;

/// <summary>Reads how much memory this machine can give a model right now.</summary>
public interface IMachineMemoryReader
{
    MachineMemory Read();
}
