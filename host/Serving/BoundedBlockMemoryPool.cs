using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace ConnectorHost.Serving;

/// <summary>
/// Kestrel's buffers (the transport buffers a whole request message before it is parsed). Kestrel's default pool
/// keeps every block it ever handed out: after six concurrent 100 MiB requests it still held about 85,000 blocks
/// (350 MB) minutes later. This pool keeps at most <see cref="RetainedBlocks"/> returned blocks, enough for steady
/// traffic, and leaves the rest to the garbage collector.
/// </summary>
public sealed class BoundedBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>Kestrel's own block size: its pipes are tuned for it.</summary>
    public const int BlockSize = 4096;

    /// <summary>16 MiB of idle blocks at most.</summary>
    public const int RetainedBlocks = 4096;

    private readonly ConcurrentQueue<Block> _idle = new();
    private int _idleCount;

    private long _rents;

    internal BoundedBlockMemoryPool()
    {
    }

    /// <summary>One pool for every listening port of the process, so the bound holds for the process.</summary>
    public static BoundedBlockMemoryPool ForProcess { get; } = new();

    public override int MaxBufferSize => BlockSize;

    /// <summary>How many returned blocks the pool holds now; for tests.</summary>
    public int IdleBlocks => Volatile.Read(ref _idleCount);

    /// <summary>How many blocks were ever lent; for tests.</summary>
    public long Rents => Interlocked.Read(ref _rents);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        Interlocked.Increment(ref _rents);
        if (_idle.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _idleCount);
            block.Rented();
            return block;
        }

        return new Block(this);
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _idleCount) <= RetainedBlocks)
        {
            _idle.Enqueue(block);
            return;
        }

        Interlocked.Decrement(ref _idleCount); // beyond the bound: the block is garbage from here on
    }

    /// <summary>The shared pool outlives any one server; Kestrel disposing its pool leaves it alone.</summary>
    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(BoundedBlockMemoryPool pool) : IMemoryOwner<byte>
    {
        // Not pinned (Kestrel's own blocks are): pinned blocks live on the pinned-object heap, which never compacts,
        // so the few blocks kept after a burst held ~150 MB of its regions. Socket I/O pins a block per operation.
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize);
        private int _returned;

        public Memory<byte> Memory => _array;

        public void Rented() => Volatile.Write(ref _returned, 0);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                pool.Return(this);
            }
        }
    }
}

/// <summary>Hands Kestrel the process's <see cref="BoundedBlockMemoryPool"/> instead of its own unbounded one.</summary>
public sealed class BoundedBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => BoundedBlockMemoryPool.ForProcess;
}
