-- Data quality: every conversation the source's data makes doubtful or keeps out of the marts (SPEC §1 D,
-- §2, §4), one row per conversation and issue, with how many conversations share the issue: deleted,
-- parts whose conversation was never synced, incomplete, and closes that stand for a reopen the data
-- does not show.
with

excluded as (

    select
        conversation_id,
        reason as issue,
        part_count as affected_count,
        source_file
    from {{ intercom_staged('conversations_excluded') }}

),

incomplete as (

    select
        conversation_id,
        'incomplete' as issue,
        cast(null as {{ dbt.type_bigint() }}) as affected_count,
        cast(null as {{ dbt.type_string() }}) as source_file
    from {{ ref('fct_conversations') }}
    where is_incomplete

),

unrecorded_reopens as (

    select
        conversation_id,
        'unrecorded_reopen' as issue,
        unrecorded_reopen_count as affected_count,
        cast(null as {{ dbt.type_string() }}) as source_file
    from {{ ref('int_conversations_resolved') }}
    where unrecorded_reopen_count > 0

),

issues as (

    select * from excluded
    union all
    select * from incomplete
    union all
    select * from unrecorded_reopens

),

final as (

    select
        conversation_id,
        issue,
        affected_count,
        source_file,
        count(*) over (partition by issue) as conversations_with_issue
    from issues

)

select * from final
