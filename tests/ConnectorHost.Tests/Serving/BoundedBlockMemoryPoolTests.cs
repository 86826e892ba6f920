using System.Buffers;
using ConnectorHost.Serving;
using Xunit;

namespace ConnectorHost.Tests.Serving;

/// <summary>Issue 14 item 10: the transport's buffer pool keeps a bounded number of blocks, whatever a burst took.</summary>
public sealed class BoundedBlockMemoryPoolTests
{
    [Fact]
    public void Returning_more_blocks_than_the_bound_keeps_only_the_bound()
    {
        var pool = new BoundedBlockMemoryPool();
        var burst = Enumerable.Range(0, BoundedBlockMemoryPool.RetainedBlocks * 3).Select(_ => pool.Rent()).ToList();
        Assert.All(burst, b => Assert.Equal(BoundedBlockMemoryPool.BlockSize, b.Memory.Length));

        foreach (var block in burst)
        {
            block.Dispose();
        }

        Assert.Equal(BoundedBlockMemoryPool.RetainedBlocks, pool.IdleBlocks);
    }

    [Fact]
    public void A_returned_block_is_lent_again_and_a_second_dispose_does_not_return_it_twice()
    {
        var pool = new BoundedBlockMemoryPool();
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        first.Dispose();
        first.Dispose();

        var lent = Enumerable.Range(0, BoundedBlockMemoryPool.RetainedBlocks + 1).Select(_ => pool.Rent()).ToList();

        Assert.Single(lent, b => b.Memory.Span.Overlaps(first.Memory.Span));
        foreach (var block in lent)
        {
            block.Dispose();
        }
    }

    [Fact]
    public void Blocks_larger_than_the_block_size_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedBlockMemoryPool().Rent(BoundedBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public async Task Kestrel_serves_calls_from_the_bounded_pool()
    {
        await using var host = await InProcessHost.StartAsync();
        var rentsBefore = BoundedBlockMemoryPool.ForProcess.Rents;

        await host.DestinationClient.ConfigurationFormAsync(new FivetranSdk.V2.ConfigurationFormRequest());

        Assert.True(BoundedBlockMemoryPool.ForProcess.Rents > rentsBefore, "a call through Kestrel took no block from the bounded pool");
    }
}
