-- SPEC §7: who owned each conversation from when, one row per change of owner. Every source stages
-- the owner in effect on each row (API parts and connector parts replayed from their assignments,
-- message exports as written), so one rule reads them all: a row naming an assignee or a team, or an
-- assignment part naming nobody, sets the assignee (null when it names only a team: the team's
-- queue); the team is the last one named, since only an assignment to another team changes it.
-- Incremental: a run recomputes only the conversations with messages loaded since the last one.
with

messages as (

    select
        conversation_id,
        message_key,
        part_type,
        created_at,
        assignee_id,
        team_id
    from {{ intercom_staged('messages') }}
    {{ only_conversations_loaded_since_last_run(intercom_staged('messages'), 'loaded_at') }}

),

load_mark as (

    select max(loaded_at) as messages_loaded_through
    from {{ intercom_staged('messages') }}

),

owner_rows as (

    select
        conversation_id,
        message_key,
        created_at,
        assignee_id,
        team_id
    from messages
    where
        assignee_id is not null
        or team_id is not null
        or part_type in {{ intercom_assignment_part_types() }}

),

owners as (

    select
        conversation_id,
        message_key,
        created_at,
        assignee_id,
        {{ last_non_null_over('team_id', 'conversation_id', 'created_at, message_key') }} as team_id
    from owner_rows

),

compared as (

    select
        *,
        lag(coalesce(assignee_id, '') || '|' || coalesce(team_id, '')) over (
            partition by conversation_id order by created_at, message_key
        ) as previous_owner
    from owners

),

final as (

    select
        conversation_id,
        message_key,
        created_at as owned_from,
        assignee_id,
        team_id,
        (select load_mark.messages_loaded_through from load_mark) as messages_loaded_through
    from compared
    where coalesce(previous_owner <> coalesce(assignee_id, '') || '|' || coalesce(team_id, ''), true)

)

select * from final
